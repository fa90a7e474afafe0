/**
 * LangChain carries a runnable's config to the code it calls in an
 * AsyncLocalStorage store. Whenever no LangSmith tracer is configured,
 * `runWithConfig` builds a langsmith `RunTree` with tracing disabled as that
 * store — a uuid7 from random bytes, timestamps, environment lookups — for
 * every LangGraph node, route and channel write, several per run; in the
 * streaming bench's profile that was about 7% of the server's CPU. Nothing
 * reads it but the config it carries and its `tracingEnabled: false`.
 *
 * `useLightContexts()` makes that store a light object with just those two
 * things, which becomes a real (untraced) RunTree only if something asks for
 * one: langsmith's `traceable` inside a node (createChild), LangChain's
 * `setContextVariable` (which clones the store). With a tracer (LANGSMITH_TRACING, a LangChainTracer passed as a
 * callback) `runWithConfig` is LangChain's own, unchanged. (Inside an untraced
 * context LangChain's configure hooks, which nothing here registers, are not
 * consulted for a tracer.) Written against
 * @langchain/core 1.4 (singletons/async_local_storage/index.js); the test in
 * tests/agent/langchainContext.test.ts checks what it relies on.
 */
import { CallbackManager } from '@langchain/core/callbacks/manager';
import { AsyncLocalStorageProviderSingleton, _CONTEXT_VARIABLES_KEY } from '@langchain/core/singletons';
import type { RunnableConfig } from '@langchain/core/runnables';

/** Where LangChain keeps the config in the store (`getRunnableConfig` reads `store.extra[LC_CHILD_KEY]`). */
const LC_CHILD_KEY = Symbol.for('lc:child_config');

type Provider = {
  runWithConfig<T>(config: RunnableConfig | undefined, callback: () => T, avoidCreatingRootRunTree?: boolean): T;
};

/** The langsmith RunTree methods a reader may call on the store (langsmith's `isRunTree` checks for these two). */
interface RunTreeLike {
  createChild(config: unknown): unknown;
  postRun(excludeChildRuns?: boolean): Promise<void>;
}

/**
 * What LangChain's RunTree with tracing disabled is to its readers: the
 * config, `tracingEnabled: false`, and the run-tree methods, delegated to the
 * RunTree LangChain would have built, built on demand.
 */
class LightContext implements RunTreeLike {
  readonly name = '<runnable_lambda>';
  readonly tracingEnabled = false;
  readonly extra: Record<string | symbol, unknown>;
  private tree: RunTreeLike | undefined;

  constructor(
    private readonly config: RunnableConfig | undefined,
    private readonly langchains: Provider['runWithConfig'],
  ) {
    this.extra = { metadata: {}, [LC_CHILD_KEY]: config };
  }

  createChild(config: unknown): unknown {
    return this.full().createChild(config);
  }

  postRun(excludeChildRuns?: boolean): Promise<void> {
    return this.full().postRun(excludeChildRuns);
  }

  private full(): RunTreeLike {
    this.tree ??= this.langchains(this.config, () => AsyncLocalStorageProviderSingleton.getInstance().getStore() as RunTreeLike);
    return this.tree;
  }
}

function hasTracer(callbacks: RunnableConfig['callbacks']): boolean {
  const handlers = Array.isArray(callbacks) ? callbacks : callbacks?.handlers;
  return handlers?.some((h) => (h as { name?: string }).name === 'langchain_tracer') ?? false;
}

let installed = false;

export function useLightContexts(): void {
  if (installed) return;
  installed = true;
  const provider = AsyncLocalStorageProviderSingleton as unknown as Provider;
  const langchains = provider.runWithConfig.bind(provider);
  provider.runWithConfig = function runWithConfig<T>(config: RunnableConfig | undefined, callback: () => T, avoidCreatingRootRunTree?: boolean): T {
    if (avoidCreatingRootRunTree) return langchains(config, callback, avoidCreatingRootRunTree);
    const storage = AsyncLocalStorageProviderSingleton.getInstance();
    const previous = storage.getStore() as Record<symbol, unknown> | undefined;
    if (previous instanceof LightContext) {
      // Inside an untraced context LangChain ignores tracing from the environment (the store says
      // tracingEnabled: false): only a tracer passed in this config's callbacks traces.
      if (hasTracer(config?.callbacks)) return langchains(config, callback, avoidCreatingRootRunTree);
    } else {
      // The same decision as LangChain's: which handlers this config has, tracing from the environment included.
      const manager = CallbackManager._configureSync(config?.callbacks, undefined, config?.tags, undefined, config?.metadata);
      if (manager && hasTracer(manager)) return langchains(config, callback, avoidCreatingRootRunTree);
    }
    const store = new LightContext(config, langchains) as LightContext & Record<symbol, unknown>;
    if (previous?.[_CONTEXT_VARIABLES_KEY] !== undefined) store[_CONTEXT_VARIABLES_KEY] = previous[_CONTEXT_VARIABLES_KEY];
    return storage.run(store, callback);
  };
}
