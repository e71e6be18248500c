import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

function createMetrics() {
  const registry = new Registry();
  // Process metrics, event-loop lag among them (nodejs_eventloop_lag_seconds and its percentiles).
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
  const registers = [registry];
  return {
    registry,
    connections: new Gauge({ name: 'relay_socket_connections', help: 'Socket.io connections open on this node', registers }),
    messagesStored: new Counter({ name: 'relay_messages_stored_total', help: 'Messages people sent that this node stored, by any path (new, not retries)', registers }),
    sendAckSeconds: new Histogram({
      name: 'relay_send_ack_seconds',
      help: 'From a message:send arriving to its ack, by outcome',
      labelNames: ['outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    // How many sends each group commit stored together, and how often a refused batch was split.
    appendBatchSends: new Histogram({ name: 'relay_append_batch_sends', help: 'Sends per group-commit batch', buckets: [1, 2, 4, 8, 16, 32, 64, 128], registers }),
    appendBatchSplits: new Counter({ name: 'relay_append_batch_splits_total', help: 'Group-commit batches refused by the database and split in halves', registers }),
    fanoutDeliveries: new Counter({ name: 'relay_fanout_deliveries_total', help: 'User deliveries published (one per addressed user per event)', labelNames: ['event'], registers }),
    hybridMessages: new Counter({ name: 'relay_hybrid_messages_total', help: 'Messages of hot rooms: live to the sockets showing the room, room:advanced to the rest', registers }),
    catchUpPages: new Counter({ name: 'relay_catchup_pages_total', help: 'room:sync pages served', registers }),
    redisErrors: new Counter({ name: 'relay_redis_errors_total', help: 'Errors reported by the Redis clients', registers }),
    connectionsDropped: new Counter({ name: 'relay_connections_dropped_total', help: 'Connections closed on arrival: the node held MAX_CONNECTIONS already', registers }),
    postgresErrors: new Counter({ name: 'relay_postgres_errors_total', help: 'Database errors that were not about the data (connection, timeout)', registers }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

// server.ts and Next's route handlers are separate module graphs: one registry for both, on globalThis.
const holder = globalThis as typeof globalThis & { __relayMetrics?: Metrics };

export function metrics(): Metrics {
  holder.__relayMetrics ??= createMetrics();
  return holder.__relayMetrics;
}
