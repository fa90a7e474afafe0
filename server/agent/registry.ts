import type { AgentDefinition } from './defineAgent.ts';

/**
 * The agents one server serves, by name. The first is the default: what a
 * session gets when its creator names none. A session records its agent
 * (chat_sessions.agent_name) and keeps it for its life.
 */
export interface AgentRegistry {
  readonly defaultAgent: AgentDefinition;
  get(name: string): AgentDefinition | undefined;
  list(): readonly AgentDefinition[];
}

export function createAgentRegistry(agents: readonly AgentDefinition[]): AgentRegistry {
  if (agents.length === 0) throw new Error('A server needs at least one agent');
  const byName = new Map<string, AgentDefinition>();
  for (const agent of agents) {
    const other = byName.get(agent.name);
    if (other && other !== agent) throw new Error(`Two agents are named ${agent.name}; agent names must be unique`);
    byName.set(agent.name, agent);
  }
  const list = Object.freeze([...byName.values()]);
  return {
    defaultAgent: list[0]!,
    get: (name) => byName.get(name),
    list: () => list,
  };
}
