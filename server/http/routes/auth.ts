import { Router } from 'express';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { ChangePasswordBodySchema, LoginBodySchema, LogoutBodySchema, RefreshBodySchema, RegisterBodySchema } from '../../../shared/api.ts';
import type { AuthService } from '../../auth/authService.ts';
import { AppError, parseOrThrow } from '../../errors.ts';
import type { RequestHandler } from 'express';
import { currentUser } from '../authenticate.ts';

function tooMany(msBeforeNext: number) {
  return new AppError('rate_limit', 'Too many attempts; wait a moment and try again', { retryAfterMs: msBeforeNext });
}

export function authRoutes(auth: AuthService, authed: RequestHandler): Router {
  const router = Router();
  // Slows password guessing: failed logins per address and email (one account
  // guessed at), per address alone (password spraying across many emails),
  // and registrations per address.
  const failedLogins = new RateLimiterMemory({ points: 10, duration: 15 * 60 });
  const failedLoginsPerAddress = new RateLimiterMemory({ points: 30, duration: 15 * 60 });
  const registrations = new RateLimiterMemory({ points: 30, duration: 60 });

  router.post('/register', async (req, res) => {
    const body = parseOrThrow(RegisterBodySchema, req.body);
    await registrations.consume(req.ip ?? 'unknown').catch((r) => {
      throw tooMany(r.msBeforeNext ?? 60_000);
    });
    res.status(201).json(await auth.register(body));
  });

  router.post('/login', async (req, res) => {
    const body = parseOrThrow(LoginBodySchema, req.body);
    const address = req.ip ?? 'unknown';
    const key = `${address}:${body.email}`;
    for (const [limiter, k] of [[failedLogins, key], [failedLoginsPerAddress, address]] as const) {
      const state = await limiter.get(k);
      if (state && state.remainingPoints <= 0) throw tooMany(state.msBeforeNext);
    }
    try {
      res.json(await auth.login(body));
    } catch (err) {
      if (err instanceof AppError && err.type === 'authentication_required') {
        await Promise.all([failedLogins.penalty(key, 1), failedLoginsPerAddress.penalty(address, 1)]);
      }
      throw err;
    }
  });

  router.post('/refresh', async (req, res) => {
    const body = parseOrThrow(RefreshBodySchema, req.body);
    res.json(await auth.refresh(body.refreshToken));
  });

  router.post('/logout', async (req, res) => {
    const body = parseOrThrow(LogoutBodySchema, req.body ?? {});
    await auth.logout(body.refreshToken);
    res.status(204).end();
  });

  router.post('/password', authed, async (req, res) => {
    const body = parseOrThrow(ChangePasswordBodySchema, req.body);
    res.json(await auth.changePassword(currentUser(res).id, body));
  });

  return router;
}

export function meRoute(auth: AuthService, authed: RequestHandler): Router {
  const router = Router();
  router.get('/me', authed, async (_req, res) => {
    res.json({ user: await auth.getUser(currentUser(res).id) });
  });
  return router;
}
