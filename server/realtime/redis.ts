import { createAdapter } from '@socket.io/redis-streams-adapter';
import { createClient, type RedisClientType } from 'redis';
import type { Logger } from '../logger.ts';

export interface RedisScaleOut {
  /** Socket.IO adapter: room broadcasts and connection-state recovery across nodes. */
  adapter: ReturnType<typeof createAdapter>;
  /** Client for state shared by the nodes (the message rate limit). */
  client: RedisClientType;
  close(): Promise<void>;
}

/**
 * REDIS_URL: the Redis streams adapter (unlike the plain Redis adapter it
 * supports connection-state recovery) and a shared client. Every node of one
 * deployment must use the same `streamName`.
 */
export async function connectRedis(url: string, log: Logger, streamName = 'agentwire:socket.io'): Promise<RedisScaleOut> {
  const client: RedisClientType = createClient({ url });
  client.on('error', (err) => log.error({ err }, 'redis error'));
  await client.connect();
  // A short blocking read lets the adapter's reader notice shutdown quickly.
  const adapter = createAdapter(client, { streamName, sessionKeyPrefix: `${streamName}:session:`, blockTimeInMs: 1_000 });
  return {
    adapter,
    client,
    close: async () => {
      if (client.isOpen) await client.close();
    },
  };
}
