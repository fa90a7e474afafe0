import { randomUUID } from 'node:crypto';
import type { AuthResponse, PublicUser, TokenPair } from '../../shared/api.ts';
import { AppError } from '../errors.ts';
import type { Db } from '../data/prisma.ts';
import { Prisma } from '../data/prisma.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import type { TokenVersions } from './tokenVersions.ts';
import { hashRefreshToken, newRefreshToken, type TokenSigner } from './tokens.ts';

export interface AuthServiceDeps {
  db: Db;
  signer: TokenSigner;
  versions: TokenVersions;
  refreshTtlS: number;
  now: () => number;
}

type UserRow = { id: string; email: string; name: string; timezone: string; createdAt: Date; tokenVersion: number };

export function toPublicUser(u: Omit<UserRow, 'tokenVersion'>): PublicUser {
  return { id: u.id, email: u.email, name: u.name, timezone: u.timezone, createdAt: u.createdAt.toISOString() };
}

const invalidCredentials = () => new AppError('authentication_required', 'Email or password is incorrect');
const invalidRefresh = () =>
  new AppError('authentication_required', 'Your session has expired. Please sign in again.');

export function createAuthService({ db, signer, versions, refreshTtlS, now }: AuthServiceDeps) {
  async function issueTokens(user: UserRow, familyId: string = randomUUID()): Promise<TokenPair> {
    const refresh = newRefreshToken();
    await db.refreshToken.create({
      data: {
        userId: user.id,
        tokenHash: refresh.hash,
        familyId,
        expiresAt: new Date(now() + refreshTtlS * 1000),
      },
    });
    const access = signer.sign(user);
    return { accessToken: access.token, refreshToken: refresh.token, expiresIn: access.expiresIn };
  }

  return {
    async register(input: { email: string; password: string; name: string; timezone?: string }): Promise<AuthResponse> {
      const passwordHash = await hashPassword(input.password);
      let user: UserRow;
      try {
        user = await db.user.create({
          data: { email: input.email, name: input.name, passwordHash, timezone: input.timezone ?? 'UTC' },
        });
      } catch (err) {
        if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
          throw new AppError('conflict', 'An account with this email already exists');
        }
        throw err;
      }
      return { user: toPublicUser(user), ...(await issueTokens(user)) };
    },

    async login(input: { email: string; password: string }): Promise<AuthResponse> {
      const user = await db.user.findUnique({ where: { email: input.email } });
      const ok = await verifyPassword(user?.passwordHash ?? null, input.password);
      if (!user || !ok) throw invalidCredentials();
      return { user: toPublicUser(user), ...(await issueTokens(user)) };
    },

    /**
     * Rotation: the presented token is spent and a new one issued in the same
     * family. Presenting a spent token again means it leaked; the whole family
     * is revoked so neither holder can continue.
     */
    async refresh(refreshToken: string): Promise<TokenPair> {
      const tokenHash = hashRefreshToken(refreshToken);
      const at = new Date(now());
      const spent = await db.refreshToken.updateManyAndReturn({
        where: { tokenHash, usedAt: null, revokedAt: null, expiresAt: { gt: at } },
        data: { usedAt: at },
        include: { user: true },
      });
      const row = spent[0];
      if (!row) {
        const existing = await db.refreshToken.findUnique({ where: { tokenHash } });
        if (existing?.usedAt) {
          await db.refreshToken.updateMany({
            where: { familyId: existing.familyId, revokedAt: null },
            data: { revokedAt: at },
          });
        }
        throw invalidRefresh();
      }
      return issueTokens(row.user, row.familyId);
    },

    /**
     * Revokes the presented token's refresh family and bumps the user's token
     * version, so access tokens issued before stop working at once (other
     * devices refresh their own family and carry on).
     */
    async logout(refreshToken: string | undefined, userId?: string): Promise<void> {
      if (!refreshToken) return;
      const existing = await db.refreshToken.findUnique({ where: { tokenHash: hashRefreshToken(refreshToken) } });
      if (!existing || (userId && existing.userId !== userId)) return;
      await db.refreshToken.updateMany({
        where: { familyId: existing.familyId, revokedAt: null },
        data: { revokedAt: new Date(now()) },
      });
      await versions.bump(existing.userId);
    },

    /** A new password revokes every refresh family and access token; this device gets a fresh pair. */
    async changePassword(userId: string, input: { currentPassword: string; newPassword: string }): Promise<AuthResponse> {
      const user = await db.user.findUnique({ where: { id: userId } });
      if (!user) throw new AppError('authentication_required', 'This account no longer exists');
      if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
        throw new AppError('validation_error', 'The current password is incorrect');
      }
      const passwordHash = await hashPassword(input.newPassword);
      await db.$transaction([
        db.user.update({ where: { id: userId }, data: { passwordHash } }),
        db.refreshToken.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: new Date(now()) } }),
      ]);
      const tokenVersion = await versions.bump(userId);
      const updated = { ...user, tokenVersion };
      return { user: toPublicUser(updated), ...(await issueTokens(updated)) };
    },

    async getUser(userId: string): Promise<PublicUser> {
      const user = await db.user.findUnique({ where: { id: userId } });
      if (!user) throw new AppError('authentication_required', 'This account no longer exists');
      return toPublicUser(user);
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
