import { Router } from 'express';
import { z } from 'zod';
import { CreateSessionBodySchema, UpdateSessionBodySchema } from '../../../shared/api.ts';
import type { UserEventPayloads, UserEventType } from '../../../shared/protocol.ts';
import { activeLeafOf, findOwnedSession, loadHistory, toSessionDto } from '../../data/conversations.ts';
import type { Db } from '../../data/prisma.ts';
import { notFound, parseOrThrow } from '../../errors.ts';
import { currentUser } from '../authenticate.ts';

const IdParam = z.object({ id: z.uuid('Session id must be a UUID') });

export interface SessionHooks {
  /** Lets the realtime layer stop a session's runs before its rows go away. */
  beforeDelete?: (sessionId: string) => Promise<void>;
  /** Tells every tab and device of the user (the realtime layer's user room). */
  notifyUser?: <K extends UserEventType>(userId: string, type: K, payload: UserEventPayloads[K]) => void;
}

export function sessionRoutes(db: Db, hooks: SessionHooks = {}): Router {
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

  router.post('/', async (req, res) => {
    const body = parseOrThrow(CreateSessionBodySchema, req.body ?? {});
    const row = await db.chatSession.create({
      data: { userId: currentUser(res).id, ...(body.title ? { title: body.title } : {}) },
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
