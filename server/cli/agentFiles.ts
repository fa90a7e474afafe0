/**
 * Loading agent files for `agentwire serve` and `npm run chat -- --agent`: a
 * TypeScript or JavaScript module exporting `agent` (made with defineAgent),
 * loaded once per process. Everything that can be wrong with one becomes an
 * AgentFileError with a sentence a newcomer can act on.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { register } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { AgentDefinitionError, defineAgent, type AgentDefinition } from '../agent/defineAgent.ts';

export class AgentFileError extends Error {
  override name = 'AgentFileError';
}

const AGENT_FILE = /\.(ts|mts|js|mjs)$/;
const NOT_AGENT_FILE = /\.(d|test|spec)\.(ts|mts|js|mjs)$/;

let hooksRegistered = false;
/** `import { defineAgent } from 'agentwire'` works in agent files anywhere on disk. */
export function registerAgentImports(): void {
  if (hooksRegistered) return;
  register('./agentResolveHooks.mjs', import.meta.url);
  hooksRegistered = true;
}

/** The agent files named on the command line: files as given, folders by their *.ts / *.js files. */
export function agentFilesIn(paths: string[], cwd = process.cwd()): string[] {
  const files: string[] = [];
  for (const given of paths) {
    const abs = path.resolve(cwd, given);
    if (!existsSync(abs)) throw new AgentFileError(`Agent file not found: ${given}`);
    if (statSync(abs).isDirectory()) {
      const inside = readdirSync(abs)
        .filter((f) => AGENT_FILE.test(f) && !NOT_AGENT_FILE.test(f))
        .sort()
        .map((f) => path.join(abs, f));
      if (inside.length === 0) throw new AgentFileError(`No agent files (*.ts, *.js) in folder ${given}`);
      files.push(...inside);
    } else {
      files.push(abs);
    }
  }
  return [...new Set(files)];
}

export async function loadAgentFile(file: string): Promise<AgentDefinition> {
  const abs = path.resolve(file);
  if (!existsSync(abs)) throw new AgentFileError(`Agent file not found: ${file}`);
  registerAgentImports();
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(abs).href)) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof AgentDefinitionError) throw new AgentFileError(`${file}: ${err.message}`, { cause: err });
    throw new AgentFileError(`Could not load ${file}: ${(err as Error)?.message ?? err}`, { cause: err });
  }
  const agent = mod.agent ?? (mod.default as Record<string, unknown> | undefined)?.agent;
  if (agent === undefined) {
    throw new AgentFileError(`No 'agent' export found in ${file}: add \`export const agent = defineAgent({ name, description, systemPrompt, tools, maxSteps })\``);
  }
  try {
    // Checks again: an agent may be a plain object rather than defineAgent's result.
    return defineAgent(agent as AgentDefinition);
  } catch (err) {
    throw new AgentFileError(`${file}: ${(err as Error).message}`, { cause: err });
  }
}
