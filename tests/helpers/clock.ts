import type { Clock } from '../../server/createServer.ts';

/** A clock tests move by hand; starts at the real time. */
export class ManualClock implements Clock {
  private offset = 0;
  now(): number {
    return Date.now() + this.offset;
  }
  advance(ms: number): void {
    this.offset += ms;
  }
}
