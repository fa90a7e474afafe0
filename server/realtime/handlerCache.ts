import { LRUCache } from 'lru-cache';
import type { SessionRuns } from './sessionRuns.ts';

export interface HandlerCacheOptions {
  max: number;
  idleTtlMs: number;
  /** Builds the conversation handler of (user, session); `onBusyChange` must be wired to its SessionRuns. */
  create(userId: string, sessionId: string, onBusyChange: (busy: boolean) => void): SessionRuns;
}

/**
 * Conversation handlers per (user id, session id). Idle ones live in an LRU
 * bounded by size and idle TTL; one with an active or queued run is pinned
 * outside the LRU, so eviction can never split a key into two handlers (and
 * two mutexes). A user's idle handlers go when their last socket closes.
 */
export class HandlerCache {
  private readonly idle: LRUCache<string, SessionRuns>;
  private readonly pinned = new Map<string, SessionRuns>();
  private readonly socketsPerUser = new Map<string, number>();

  constructor(private readonly opts: HandlerCacheOptions) {
    this.idle = new LRUCache({ max: opts.max, ttl: opts.idleTtlMs, updateAgeOnGet: true, ttlAutopurge: true });
  }

  get(userId: string, sessionId: string): SessionRuns {
    const key = keyOf(userId, sessionId);
    const existing = this.pinned.get(key) ?? this.idle.get(key);
    if (existing) return existing;
    const created = this.opts.create(userId, sessionId, (busy) => this.onBusyChange(userId, key, created, busy));
    this.idle.set(key, created);
    return created;
  }

  /** The handler of a session if one exists, without creating it. */
  peek(userId: string, sessionId: string): SessionRuns | undefined {
    const key = keyOf(userId, sessionId);
    return this.pinned.get(key) ?? this.idle.peek(key);
  }

  /** Handlers with an active or queued run. */
  busy(): SessionRuns[] {
    return [...this.pinned.values()];
  }

  get size(): number {
    let n = this.pinned.size;
    for (const key of this.idle.keys()) if (!this.pinned.has(key)) n++;
    return n;
  }

  get activeRuns(): number {
    let n = 0;
    for (const runs of this.pinned.values()) if (runs.activeRunId) n++;
    return n;
  }

  socketOpened(userId: string): void {
    this.socketsPerUser.set(userId, (this.socketsPerUser.get(userId) ?? 0) + 1);
  }

  socketClosed(userId: string): void {
    const left = (this.socketsPerUser.get(userId) ?? 1) - 1;
    if (left > 0) {
      this.socketsPerUser.set(userId, left);
      return;
    }
    this.socketsPerUser.delete(userId);
    const prefix = keyOf(userId, '');
    for (const key of [...this.idle.keys()]) {
      if (key.startsWith(prefix) && !this.pinned.has(key)) this.idle.delete(key);
    }
  }

  /** Session ids of every live handler. */
  sessionIds(): string[] {
    const keys = new Set([...this.pinned.keys(), ...this.idle.keys()]);
    return [...keys].map((key) => key.slice(key.indexOf(':') + 1));
  }

  /** The handler of a session, whoever holds it. */
  findSession(sessionId: string): SessionRuns | undefined {
    for (const key of [...this.pinned.keys(), ...this.idle.keys()]) {
      if (key.endsWith(`:${sessionId}`)) return this.pinned.get(key) ?? this.idle.peek(key);
    }
    return undefined;
  }

  /** Forgets a session's handler (the session was deleted). */
  removeSession(sessionId: string): void {
    for (const key of [...this.pinned.keys(), ...this.idle.keys()]) {
      if (!key.endsWith(`:${sessionId}`)) continue;
      this.pinned.delete(key);
      this.idle.delete(key);
    }
  }

  clear(): void {
    this.pinned.clear();
    this.idle.clear();
  }

  private onBusyChange(userId: string, key: string, runs: SessionRuns, busy: boolean) {
    if (busy) {
      this.pinned.set(key, runs);
      return;
    }
    if (this.pinned.get(key) !== runs) return;
    this.pinned.delete(key);
    if (this.socketsPerUser.has(userId)) this.idle.set(key, runs);
    else this.idle.delete(key);
  }
}

function keyOf(userId: string, sessionId: string): string {
  return `${userId}:${sessionId}`;
}
