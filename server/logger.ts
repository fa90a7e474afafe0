import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Structured logs. Secrets never reach the output (redacted paths below);
 * message bodies and email text are logged only at debug level by callers.
 */
export function createLogger(level: string, base: Record<string, unknown> = {}, destination?: pino.DestinationStream): Logger {
  return pino(
    {
    level,
    base: { service: 'agentwire', ...base },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        '*.password',
        '*.passwordHash',
        '*.accessToken',
        '*.refreshToken',
        '*.token',
        'password',
        'token',
      ],
      censor: '[redacted]',
    },
  },
    destination as pino.DestinationStream,
  );
}
