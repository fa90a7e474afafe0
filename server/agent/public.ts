/**
 * What agent files import: `import { defineAgent, tool, z } from 'agentwire'`.
 * The package's `exports` point here, and `agentwire serve` maps the name to
 * this file for agent files outside the repository too, so an agent file needs
 * no dependencies of its own. `tool` and `z` are the very instances the
 * runtime uses (one zod, one LangChain core).
 */
export { defineAgent, AgentDefinitionError, type AgentDefinition, type PromptContext } from './defineAgent.ts';
export { ToolError } from './toolError.ts';
export { toolContext, type ToolContext } from './toolContext.ts';
export { tool } from '@langchain/core/tools';
export { z } from 'zod';
