import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

// Agent files (examples/) import the agent API by the package's name, as `agentwire serve` resolves it.
const agentwire = { agentwire: fileURLToPath(new URL('./server/agent/public.ts', import.meta.url)) };

/**
 * The image smoke test (tests/deploy/) builds the container image: minutes on
 * one worker. On a clean clone the default order (larger files first) starts
 * it last, and the other worker then idles while it runs; first, it overlaps
 * the rest of the suite.
 */
class ImageBuildFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const build = (f: TestSpecification) => f.moduleId.includes('/tests/deploy/');
    return [...sorted.filter(build), ...sorted.filter((f) => !build(f))];
  }
}

export default defineConfig({
  test: {
    sequence: { sequencer: ImageBuildFirst },
    projects: [
      {
        resolve: { alias: agentwire },
        test: {
          name: 'server',
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/e2e/**'],
          environment: 'node',
          globalSetup: ['tests/setup/globalSetup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        // Stores and components of the web app, in a simulated DOM.
        plugins: [react()],
        test: {
          name: 'web',
          include: ['web/src/**/*.test.{ts,tsx}'],
          environment: 'happy-dom',
          setupFiles: ['web/src/test/setup.ts'],
        },
      },
      {
        // The real server and a production build of the web app in headless Chromium.
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.e2e.test.ts'],
          environment: 'node',
          globalSetup: ['tests/setup/globalSetup.ts', 'tests/e2e/setup/buildWeb.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
          fileParallelism: false,
          // After the other projects: a browser and a server are heavy on a small machine.
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
