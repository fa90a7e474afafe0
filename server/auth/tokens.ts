import { createHash, randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { z } from 'zod';

export interface AccessClaims {
  sub: string;
  email: string;
  name: string;
  /** Seconds since epoch. */
  exp: number;
  /** The user's token version when it was issued (absent in tokens from before versions: 0). */
  ver?: number;
}

const ClaimsSchema = z.object({
  sub: z.string(),
  email: z.string(),
  name: z.string(),
  exp: z.number(),
  ver: z.number().int().min(0).optional(),
  typ: z.literal('access'),
});

export class TokenError extends Error {
  constructor(readonly reason: 'expired' | 'invalid') {
    super(reason === 'expired' ? 'Access token expired' : 'Access token invalid');
  }
}

export interface TokenSigner {
  sign(user: { id: string; email: string; name: string; tokenVersion?: number }): { token: string; expiresIn: number };
  verify(token: string): AccessClaims;
}

export function createTokenSigner(secret: string, ttlS: number, now: () => number = Date.now): TokenSigner {
  return {
    sign(user) {
      const iat = Math.floor(now() / 1000);
      const token = jwt.sign({ email: user.email, name: user.name, ver: user.tokenVersion ?? 0, typ: 'access', iat, exp: iat + ttlS }, secret, {
        algorithm: 'HS256',
        subject: user.id,
      });
      return { token, expiresIn: ttlS };
    },
    verify(token) {
      let decoded: unknown;
      try {
        decoded = jwt.verify(token, secret, { algorithms: ['HS256'], clockTimestamp: Math.floor(now() / 1000) });
      } catch (err) {
        throw new TokenError(err instanceof jwt.TokenExpiredError ? 'expired' : 'invalid');
      }
      const claims = ClaimsSchema.safeParse(decoded);
      if (!claims.success) throw new TokenError('invalid');
      return claims.data;
    },
  };
}

/** Opaque refresh tokens: 256 random bits; only their sha256 is stored. */
export function newRefreshToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashRefreshToken(token) };
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Reads a bearer token from an `Authorization` header value. */
export function bearerToken(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m?.[1];
}
