// `npm run dev`: the server (restarting on change, NODE_ENV=development) and
// Vite with hot reload, proxied to it. Ctrl-C (or a signal to this process)
// stops both.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const env = { ...process.env, NODE_ENV: process.env.NODE_ENV ?? 'development' };

/** A package's command, run by this node, so signals reach it directly (npx would sit in between). */
function bin(pkg, name = pkg) {
  const manifest = require.resolve(`${pkg}/package.json`);
  const { bin: bins } = require(manifest);
  return path.join(path.dirname(manifest), typeof bins === 'string' ? bins : bins[name]);
}
const tsx = bin('tsx');
const vite = bin('vite');
const children = [
  spawn(process.execPath, [tsx, 'watch', '--clear-screen=false', 'server/main.ts'], { stdio: 'inherit', env }),
  spawn(process.execPath, [vite], { stdio: 'inherit', env }),
];
let stopping = false;
const stop = (signal = 'SIGTERM') => {
  if (stopping) return;
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill(signal);
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
for (const c of children) {
  c.on('exit', (code) => {
    stop();
    process.exitCode ||= code ?? 0;
  });
}
