import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { AuthService } from '../auth/authService.ts';
import type { TokenSigner } from '../auth/tokens.ts';
import type { TokenVersions } from '../auth/tokenVersions.ts';
import type { Config } from '../config.ts';
import type { Db } from '../data/prisma.ts';
import { notFound } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { AgentInfo } from '../../shared/api.ts';
import type { AgentRegistry } from '../agent/registry.ts';
import { requireUser } from './authenticate.ts';
import { errorHandler } from './errorHandler.ts';
import { authRoutes, meRoute } from './routes/auth.ts';
import { mailRoutes } from './routes/mail.ts';
import { mailAccountRoutes, type MailAccountRoutesDeps } from './routes/mailAccounts.ts';
import { sessionRoutes, type SessionHooks } from './routes/sessions.ts';

export const WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));

export interface HttpAppDeps {
  config: Config;
  log: Logger;
  db: Db;
  auth: AuthService;
  signer: TokenSigner;
  versions: TokenVersions;
  now: () => number;
  sessionHooks?: SessionHooks;
  /** Routes mounted before the API (health, metrics), owned by other layers. */
  extraRoutes?: (app: Express) => void;
  webDist?: string;
  /** The agents this server serves (GET /api/agents; new sessions pick one). */
  agents: AgentRegistry;
  /** IMAP accounts (/api/mail-accounts). */
  mailAccounts?: Omit<MailAccountRoutesDeps, 'db' | 'log'>;
}

/**
 * Browser hardening for every response. The web app is a Vite build (module
 * scripts and stylesheets from 'self', no inline script); answers quote
 * email text, so images come only from the app itself or data: URLs and
 * nothing is fetched from elsewhere; the Socket.IO connection is same-origin.
 * No framing at all (the sign-in form cannot be clickjacked) and no Referer.
 */
export function securityHeaders() {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        mediaSrc: ["'none'"],
        objectSrc: ["'none'"],
        frameSrc: ["'none'"],
        workerSrc: ["'self'"],
        manifestSrc: ["'self'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // Served over plain http on localhost too: HSTS would pin a dev host to https.
    strictTransportSecurity: false,
    crossOriginEmbedderPolicy: false,
  });
}

export function createHttpApp(deps: HttpAppDeps): Express {
  const { config, log, db, auth, signer } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(securityHeaders());
  app.use(
    pinoHttp({
      logger: log.child({ component: 'http' }),
      autoLogging: { ignore: (req) => !req.url?.startsWith('/api') },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
      serializers: {
        req: (req) => ({ method: req.method, url: req.url }),
        res: (res) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  deps.extraRoutes?.(app);

  const api = express.Router();
  api.use(express.json({ limit: '100kb' }));
  const authed = requireUser(signer, deps.versions);
  api.use('/auth', authRoutes(auth, authed));
  api.use(meRoute(auth, authed));
  const agentNames = { defaultName: deps.agents.defaultAgent.name, has: (name: string) => deps.agents.get(name) !== undefined };
  api.use('/sessions', authed, sessionRoutes(db, agentNames, deps.sessionHooks));
  api.get('/agents', (_req, res) => {
    const items: AgentInfo[] = deps.agents.list().map((a) => ({ name: a.name, description: a.description ?? '', default: a === deps.agents.defaultAgent }));
    res.json({ items });
  });
  const timezoneOf = async (userId: string) =>
    (await db.user.findUnique({ where: { id: userId }, select: { timezone: true } }))?.timezone ?? 'UTC';
  if (deps.mailAccounts) api.use('/mail-accounts', authed, mailAccountRoutes({ db, log, ...deps.mailAccounts }));
  api.use(['/emails', '/reports'], authed);
  api.use(mailRoutes(db, timezoneOf, deps.now));
  api.use(() => {
    throw notFound('API route');
  });
  app.use('/api', api);

  const webDist = deps.webDist ?? WEB_DIST;
  if (existsSync(path.join(webDist, 'index.html'))) {
    app.use(express.static(webDist, { index: false, maxAge: '1h' }));
    // Client-side routes: every other GET gets the app shell.
    app.get(/^\/(?!api\/|socket\.io\/).*/, (_req, res) => {
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(path.join(webDist, 'index.html'));
    });
  } else {
    app.get('/', (_req, res) => {
      res.type('text/plain').send('Agentwire server is running. The web app is not built: run `npm run build`.');
    });
  }

  app.use(errorHandler(log, config.isDevelopment));
  return app;
}
