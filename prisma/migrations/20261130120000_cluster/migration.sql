-- Many processes, many nodes (server/cluster): who is alive, who runs which
-- session, the messages waiting for a run, and every run's event stream.

-- A server process. It renews lease_expires_at while alive and, with a direct
-- database connection, holds the advisory lock lock_key for as long as its
-- process lives, so a crash is visible at once (PostgreSQL drops the lock with
-- the connection) and a partition after the lease runs out.
CREATE TABLE "cluster_nodes" (
    "id" UUID NOT NULL,
    "lock_key" BIGINT,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lease_expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "cluster_nodes_pkey" PRIMARY KEY ("id")
);

-- The node that runs a session's runs, held while it has an active or queued
-- run: the cluster-wide per-session mutex. Only a node whose row is gone
-- (recovered) can lose it to another.
CREATE TABLE "session_leases" (
    "session_id" UUID NOT NULL,
    "node_id" UUID NOT NULL,
    "acquired_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "session_leases_pkey" PRIMARY KEY ("session_id")
);
CREATE INDEX "session_leases_node_id_idx" ON "session_leases"("node_id");
ALTER TABLE "session_leases" ADD CONSTRAINT "session_leases_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "chat_sessions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Acknowledged messages waiting for their run (multitask enqueue, interrupt,
-- rollback): they survive a restart or a crash and run on a live node.
CREATE TABLE "queued_messages" (
    "run_id" UUID NOT NULL,
    "session_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "user_message_id" UUID NOT NULL,
    "content" TEXT NOT NULL,
    "client_message_id" TEXT,
    -- The message's parent_id as sent (JSON: a user message id, or null for a new root); NULL when not given.
    "parent" JSONB,
    "strategy" TEXT NOT NULL,
    "priority" INTEGER NOT NULL DEFAULT 0,
    "position" BIGSERIAL NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "queued_messages_pkey" PRIMARY KEY ("run_id")
);
CREATE INDEX "queued_messages_session_id_priority_position_idx" ON "queued_messages"("session_id", "priority" DESC, "position");
ALTER TABLE "queued_messages" ADD CONSTRAINT "queued_messages_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "chat_sessions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Every event of a run as it was sent, for join_session {after_seq} from any
-- node; kept while the run is active and RUN_LOG_RETENTION_S after.
CREATE TABLE "run_events" (
    "run_id" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "session_id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "run_events_pkey" PRIMARY KEY ("run_id", "seq")
);
CREATE INDEX "run_events_session_id_idx" ON "run_events"("session_id");
CREATE INDEX "run_events_created_at_idx" ON "run_events"("created_at");
ALTER TABLE "run_events" ADD CONSTRAINT "run_events_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "chat_sessions"("id") ON DELETE CASCADE ON UPDATE CASCADE;
