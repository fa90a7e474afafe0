/**
 * GET /metrics with WORKERS: a scrape reaches one worker (the primary hands
 * connections out), so that worker asks the primary, whose prom-client
 * AggregatorRegistry collects every worker's registry over IPC and merges
 * them (counters and histograms summed; series that differ by label, such
 * as agentwire_cluster_node, kept side by side).
 */
import cluster from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { AggregatorRegistry, type Registry } from 'prom-client';

const REQUEST = 'agentwire:metrics-request';
const RESPONSE = 'agentwire:metrics-response';
/** prom-client gives up on a worker that does not answer after 5 s; this waits a little longer for its answer. */
const ANSWER_TIMEOUT_MS = 6_000;

interface MetricsRequest {
  type: typeof REQUEST;
  id: string;
}

interface MetricsResponse {
  type: typeof RESPONSE;
  id: string;
  text?: string;
  error?: string;
}

const isRequest = (m: unknown): m is MetricsRequest => (m as MetricsRequest | null)?.type === REQUEST;
const isResponse = (m: unknown): m is MetricsResponse => (m as MetricsResponse | null)?.type === RESPONSE;

/** In the primary: answers a worker's request with the metrics of all workers. */
export function aggregateWorkerMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: unknown) => {
    if (!isRequest(message)) return;
    const answer = (body: Omit<MetricsResponse, 'type' | 'id'>) => {
      if (worker.isConnected()) worker.send({ type: RESPONSE, id: message.id, ...body } satisfies MetricsResponse, undefined, () => undefined);
    };
    aggregator.clusterMetrics().then(
      (text) => answer({ text }),
      (err: Error) => answer({ error: err.message }),
    );
  });
}

/**
 * In a worker: offers `registry` to the primary's aggregation and returns
 * how to read every worker's metrics through the primary.
 */
export function clusterMetricsReader(registry: Registry): () => Promise<string> {
  AggregatorRegistry.setRegistries([registry]);
  // Its constructor is what makes this worker answer the primary's collection requests.
  new AggregatorRegistry();
  const waiting = new Map<string, { resolve(text: string): void; reject(err: Error): void }>();
  process.on('message', (message: unknown) => {
    if (!isResponse(message)) return;
    const request = waiting.get(message.id);
    if (!request) return;
    waiting.delete(message.id);
    if (message.text !== undefined) request.resolve(message.text);
    else request.reject(new Error(message.error ?? 'no metrics'));
  });
  return () =>
    new Promise<string>((resolve, reject) => {
      const id = randomUUID();
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error('the primary did not answer with the workers’ metrics'));
      }, ANSWER_TIMEOUT_MS);
      timer.unref();
      waiting.set(id, {
        resolve: (text) => (clearTimeout(timer), resolve(text)),
        reject: (err) => (clearTimeout(timer), reject(err)),
      });
      process.send!({ type: REQUEST, id } satisfies MetricsRequest);
    });
}
