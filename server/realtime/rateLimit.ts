import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from '../errors.ts';

export interface MessageRateLimiter {
  /** Takes one message from the user's budget; throws `rate_limit` (with retry-after) when it is spent. */
  consume(userId: string): Promise<void>;
}

/**
 * Messages per user per window. With Redis the budget is shared by every node
 * (a user's tabs may land on different nodes); if Redis fails, each node falls
 * back to its own in-memory budget rather than refusing everyone.
 */
export function createMessageRateLimiter(
  opts: { messages: number; windowS: number },
  redis?: unknown,
): MessageRateLimiter {
  const base = { points: opts.messages, duration: opts.windowS, keyPrefix: 'agentwire:msg' };
  const limiter: RateLimiterAbstract = redis
    ? new RateLimiterRedis({
        ...base,
        storeClient: redis,
        useRedisPackage: true,
        insuranceLimiter: new RateLimiterMemory(base),
      })
    : new RateLimiterMemory(base);

  return {
    async consume(userId) {
      try {
        await limiter.consume(userId);
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        const retryAfterMs = Math.max(1, Math.ceil(rejection.msBeforeNext));
        throw new AppError(
          'rate_limit',
          `You are sending messages too quickly. Try again in ${Math.ceil(retryAfterMs / 1000)} s.`,
          { retryAfterMs },
        );
      }
    },
  };
}
