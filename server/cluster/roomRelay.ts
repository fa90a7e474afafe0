/** Room broadcasts between the node:cluster workers of one machine (WORKERS, no REDIS_URL). */
import type { Counter } from 'prom-client';

/**
 * Counts the room broadcasts the cluster adapter itself brings to this worker
 *, by event.
 */
export function countAdapterBroadcasts(received: Counter<'event'>): () => void {
  const onMessage = (m: unknown) => {
    const msg = m as { source?: unknown; type?: unknown; data?: { packet?: { data?: unknown[] } } } | null;
    // MessageType.BROADCAST of socket.io-adapter's cluster adapter.
    if (msg?.source !== '_sio_adapter' || msg.type !== 3) return;
    const event = msg.data?.packet?.data?.[0];
    if (typeof event === 'string') received.inc({ event });
  };
  process.on('message', onMessage);
  return () => process.off('message', onMessage);
}
