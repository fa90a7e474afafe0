// Module resolution hooks for agent files (registered by server/cli/agentFiles.ts):
// `import … from 'agentwire'` means this project's agent API wherever the file lives,
// and a package an agent file outside the project imports (zod, @langchain/core…)
// resolves from this project when the file's own folder does not have it.
const ENTRY = new URL('../agent/public.ts', import.meta.url).href;
const PROJECT = new URL('../../package.json', import.meta.url).href;

const isBare = (specifier) => !/^(\.{0,2}\/|[a-zA-Z][a-zA-Z+.-]*:)/.test(specifier);

// An agent file in a folder without {"type": "module"} is still an ES module (it uses import/export).
const asModule = (resolved) =>
  /^file:.*\.ts$/.test(resolved.url) && !resolved.url.includes('/node_modules/') && resolved.format !== 'module'
    ? { ...resolved, format: 'module' }
    : resolved;

export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'agentwire') return { url: ENTRY, format: 'module', shortCircuit: true };
  try {
    return asModule(await nextResolve(specifier, context));
  } catch (err) {
    if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !isBare(specifier) || context.parentURL === PROJECT) throw err;
    return nextResolve(specifier, { ...context, parentURL: PROJECT });
  }
}
