import { Router } from 'express';
import { z } from 'zod';
import { CreateSessionBodySchema, UpdateSessionBodySchema } from '../../../shared/api.ts';
import { findOwnedSession, loadHistory, toSessionDto } from '../../data/conversations.ts';
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

  router.post('/', async (req, res) => {
    const body = parseOrThrow(CreateSessionBodySchema, req.body ?? {});
    if (body.agent !== undefined && !agents.has(body.agent)) throw new AppError('validation_error', `agent: no agent named ${body.agent} is served here`);
    const row = await db.chatSession.create({
      data: { userId: currentUser(res).id, agentName: body.agent ?? agents.defaultName, ...(body.title ? { title: body.title } : {}) },
    });
    res.status(201).json(toSessionDto(row));
  });

  router.get('/:id', async (req, res) => {
    res.json(toSessionDto(await owned(currentUser(res).id, req.params.id)));
  });

  router.get('/:id/messages', async (req, res) => {
    const session = await owned(currentUser(res).id, req.params.id);
    res.json({ items: await loadHistory(db, session.id) });
  });

  router.patch('/:id', async (req, res) => {
    const session = await owned(currentUser(res).id, req.params.id);
    const body = parseOrThrow(UpdateSessionBodySchema, req.body);
    const row = await db.chatSession.update({ where: { id: session.id }, data: { title: body.title } });
    res.json(toSessionDto(row));
  });

  router.delete('/:id', async (req, res) => {
    const session = await owned(currentUser(res).id, req.params.id);
    await hooks.beforeDelete?.(session.id);
    await db.chatSession.deleteMany({ where: { id: session.id, userId: session.userId } });
    res.status(204).end();
  });

  return router;
}
