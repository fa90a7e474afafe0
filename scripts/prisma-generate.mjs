// Generates the Prisma Client (server/data/generated). The Prisma CLI wants to
// download its schema engine first, which `generate` does not use; where that
// engine is absent and the network unreachable, pointing
// PRISMA_SCHEMA_ENGINE_BINARY at any executable lets generate run offline.
// With the engine present (or the variable set), the CLI runs untouched.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const env = { ...process.env, CHECKPOINT_DISABLE: process.env.CHECKPOINT_DISABLE ?? '1' };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) {
  let hasEngine = false;
  try {
    const dir = path.dirname(require.resolve('@prisma/engines/package.json'));
    hasEngine = readdirSync(dir).some((f) => f.startsWith('schema-engine'));
  } catch {
    // engines package missing: same as no engine
  }
  if (!hasEngine) env.PRISMA_SCHEMA_ENGINE_BINARY = process.execPath;
}
const cli = require.resolve('prisma/build/index.js');
const r = spawnSync(process.execPath, [cli, 'generate'], { stdio: 'inherit', env });
process.exit(r.status ?? 1);
