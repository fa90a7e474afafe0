import type { NextFunction, Request, Response } from 'express';
import { tokenStillValid, type TokenVersions } from '../auth/tokenVersions.ts';
import { bearerToken, TokenError, type AccessClaims, type TokenSigner } from '../auth/tokens.ts';
import { AppError } from '../errors.ts';

export interface AuthedUser {
  id: string;
  email: string;
  name: string;
}

/** Requires a valid access token not revoked by logout or a password change; the user is then `res.locals.user`. */
export function requireUser(signer: TokenSigner, versions: TokenVersions) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const token = bearerToken(req.headers.authorization);
    if (!token) throw new AppError('authentication_required', 'Sign in to continue (missing bearer token)');
    let claims: AccessClaims;
    try {
      claims = signer.verify(token);
    } catch (err) {
      if (err instanceof TokenError) {
        throw new AppError(
          'authentication_required',
          err.reason === 'expired' ? 'Your access token has expired; refresh it' : 'Your access token is not valid',
        );
      }
      throw err;
    }
    if (!(await tokenStillValid(versions, claims.sub, claims.ver))) {
      throw new AppError('authentication_required', 'You signed out or changed your password; sign in again');
    }
    res.locals.user = { id: claims.sub, email: claims.email, name: claims.name } satisfies AuthedUser;
    next();
  };
}

export function currentUser(res: Response): AuthedUser {
  return res.locals.user as AuthedUser;
}
