import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RunEvent } from '../../shared/protocol.ts';

/**
 * Prometheus metrics of one server instance. Each instance owns its registry
 * (never prom-client's global one) so several servers can live in one process.
 */
export function createMetrics(opts: { processMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (opts.processMetrics) collectDefaultMetrics({ register: registry, prefix: 'agentwire_' });

  const connections = new Gauge({
    name: 'agentwire_socket_connections',
    help: 'Socket.IO connections currently open',
    registers: [registry],
  });
  const activeRuns = new Gauge({
    name: 'agentwire_active_runs',
    help: 'Agent runs currently streaming',
    registers: [registry],
  });
  const runs = new Counter({
    name: 'agentwire_runs_total',
    help: 'Agent runs finished, by final status',
    labelNames: ['status'] as const,
    registers: [registry],
  });
  const firstChunk = new Histogram({
    name: 'agentwire_first_chunk_latency_seconds',
    help: 'Time from the start of a run to its first answer chunk',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    registers: [registry],
  });
  const chunkGap = new Histogram({
    name: 'agentwire_inter_chunk_gap_seconds',
    help: 'Time between consecutive answer chunks of a run',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
    registers: [registry],
  });
  const toolDuration = new Histogram({
    name: 'agentwire_tool_duration_seconds',
    help: 'Tool call durations, by tool and outcome',
    labelNames: ['tool', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 15, 30],
    registers: [registry],
  });
  const rejectedMessages = new Counter({
    name: 'agentwire_rejected_messages_total',
    help: 'user_message requests refused, by error type',
    labelNames: ['type'] as const,
    registers: [registry],
  });

  const clusterEventsReceived = new Counter({
    name: 'agentwire_cluster_room_events_received_total',
    help: 'Room events (run events, user notices) this worker received from other WORKERS, by event; without Redis only',
    labelNames: ['event'] as const,
    registers: [registry],
  });
  const clusterNode = new Gauge({
    name: 'agentwire_cluster_node',
    help: "This server process's node id in the cluster (cluster_nodes.id): tells WORKERS apart",
    labelNames: ['node'] as const,
    registers: [registry],
  });

  return {
    registry,
    connections,
    rejectedMessages,
    clusterEventsReceived,
    clusterNode,
    /** Follows one run's events; call `observe` for each event in order. */
    runObserver() {
      const startedAt = performance.now();
      let lastChunkAt: number | undefined;
      activeRuns.inc();
      let finished = false;
      return {
        observe(event: RunEvent) {
          switch (event.type) {
            case 'agent_response_chunk': {
              const t = performance.now();
              if (lastChunkAt === undefined) firstChunk.observe((t - startedAt) / 1000);
              else chunkGap.observe((t - lastChunkAt) / 1000);
              lastChunkAt = t;
              break;
            }
            case 'tool_call_result':
              toolDuration.observe({ tool: event.payload.tool_name, outcome: 'ok' }, event.payload.duration_ms / 1000);
              break;
            case 'tool_error':
              toolDuration.observe({ tool: event.payload.tool_name, outcome: 'error' }, event.payload.duration_ms / 1000);
              break;
            case 'conversation_complete':
              this.finish(event.payload.status);
              break;
          }
        },
        /** Idempotent: the run's final status, counted once. */
        finish(status: string) {
          if (finished) return;
          finished = true;
          activeRuns.dec();
          runs.inc({ status });
        },
      };
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
export type RunObserver = ReturnType<Metrics['runObserver']>;
