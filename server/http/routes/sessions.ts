import { Router } from 'express';
import { z } from 'zod';
import { CreateSessionBodySchema, SessionSearchQuerySchema, UpdateSessionBodySchema } from '../../../shared/api.ts';
import { searchChats } from '../../data/chatSearch.ts';
import type { UserEventPayloads, UserEventType } from '../../../shared/protocol.ts';
import { activeLeafOf, findOwnedSession, loadHistory, toSessionDto } from '../../data/conversations.ts';
import type { Db } from '../../data/prisma.ts';
import { AppError, notFound, parseOrThrow } from '../../errors.ts';
import { currentUser } from '../authenticate.ts';

const IdParam = z.object({ id: z.uuid('Session id must be a UUID') });

/** The agents new sessions may name, and the one they get when they name none. */
export interface SessionAgents {
  defaultName: string;
  has(name: string): boolean;
}

export interface SessionHooks {
  /** Lets the realtime layer stop a session's runs before its rows go away. */
  beforeDelete?: (sessionId: string) => Promise<void>;
  /** Tells every tab and device of the user (the realtime layer's user room). */
  notifyUser?: <K extends UserEventType>(userId: string, type: K, payload: UserEventPayloads[K]) => void;
}

export function sessionRoutes(db: Db, agents: SessionAgents, hooks: SessionHooks = {}): Router {
  const router = Router();

  async function owned(userId: string, rawId: unknown) {
    const { id } = parseOrThrow(IdParam, { id: rawId }, 'Session id');
    const session = await findOwnedSession(db, userId, id);
    if (!session) throw notFound('Session');
    return session;
  }

  router.get('/', async (_req, res) => {
    const rows = await db.chatSession.findMany({
      where: { userId: currentUser(res).id },
      orderBy: { updatedAt: 'desc' },
      take: 500,
    });
    res.json({ items: rows.map(toSessionDto) });
  });

  router.get('/search', async (req, res) => {
    const { q } = parseOrThrow(SessionSearchQuerySchema, req.query, 'Search');
    res.json({ items: await searchChats(db, currentUser(res).id, q) });
  });

  router.post('/', async (req, res) => {
    const body = parseOrThrow(CreateSessionBodySchema, req.body ?? {});
    if (body.agent !== undefined && !agents.has(body.agent)) throw new AppError('validation_error', `agent: no agent named ${body.agent} is served here`);
    const row = await db.chatSession.create({
      data: { userId: currentUser(res).id, agentName: body.agent ?? agents.defaultName, ...(body.title ? { title: body.title } : {}) },
    });
    const dto = toSessionDto(row);
    hooks.notifyUser?.(row.userId, 'session_created', { session: dto });
    res.status(201).json(dto);
  });

  router.get('/:id', async (req, res) => {
    res.json(toSessionDto(await owned(currentUser(res).id, req.params.id)));
  });

  router.get('/:id/messages', async (req, res) => {
    const session = await owned(currentUser(res).id, req.params.id);
    res.json({ items: await loadHistory(db, session.id), active_leaf_id: await activeLeafOf(db, session) });
  });

  router.patch('/:id', async (req, res) => {
    const session = await owned(currentUser(res).id, req.params.id);
    const body = parseOrThrow(UpdateSessionBodySchema, req.body);
    const row = await db.chatSession.update({ where: { id: session.id }, data: { title: body.title } });
    const dto = toSessionDto(row);
    hooks.notifyUser?.(row.userId, 'session_updated', { session: dto });
    res.json(dto);
  });

  router.delete('/:id', async (req, res) => {
    const session = await owned(currentUser(res).id, req.params.id);
    await hooks.beforeDelete?.(session.id);
    await db.chatSession.deleteMany({ where: { id: session.id, userId: session.userId } });
    hooks.notifyUser?.(session.userId, 'session_deleted', { session_id: session.id });
    res.status(204).end();
  });

  return router;
}
