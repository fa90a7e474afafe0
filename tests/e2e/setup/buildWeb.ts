/**
 * Builds the web app once per run into a temp directory (never over the
 * working tree's web/dist) and finds Chromium. Without Chromium the e2e
 * tests skip, so the build is skipped too.
 */
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Directory holding the production build of the web app ('' when not built). */
    webDist: string;
    /** Chromium executable ('' when none is installed). */
    chromiumPath: string;
  }
}

export default async function setup(project: TestProject) {
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  const chromiumPath = existsSync(chromium) ? chromium : '';
  project.provide('chromiumPath', chromiumPath);
  if (!chromiumPath) {
    project.provide('webDist', '');
    return;
  }
  const outDir = await fs.mkdtemp(path.join(os.tmpdir(), 'agentwire-web-'));
  const { build } = await import('vite');
  // Under vitest NODE_ENV is "test", which would bundle React's development build.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      configFile: path.resolve('vite.config.ts'),
      mode: 'production',
      logLevel: 'warn',
      build: { outDir, emptyOutDir: true, sourcemap: false },
    });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  project.provide('webDist', outDir);
  return () => fs.rm(outDir, { recursive: true, force: true });
}
