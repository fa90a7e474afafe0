import type { NextFunction, Request, Response } from 'express';
import { bearerToken, TokenError, type TokenSigner } from '../auth/tokens.ts';
import { AppError } from '../errors.ts';

export interface AuthedUser {
  id: string;
  email: string;
  name: string;
}

/** Requires a valid access token; the user is then `res.locals.user`. */
export function requireUser(signer: TokenSigner) {
  return (req: Request, res: Response, next: NextFunction) => {
    const token = bearerToken(req.headers.authorization);
    if (!token) throw new AppError('authentication_required', 'Sign in to continue (missing bearer token)');
    try {
      const claims = signer.verify(token);
      res.locals.user = { id: claims.sub, email: claims.email, name: claims.name } satisfies AuthedUser;
    } catch (err) {
      if (err instanceof TokenError) {
        throw new AppError(
          'authentication_required',
          err.reason === 'expired' ? 'Your access token has expired; refresh it' : 'Your access token is not valid',
        );
      }
      throw err;
    }
    next();
  };
}

export function currentUser(res: Response): AuthedUser {
  return res.locals.user as AuthedUser;
}
