import { useEffect, useState } from 'react';
import type { AgentInfo } from '../../../shared/api.ts';
import { useChat, useStores } from '../stores/context.tsx';

/** The served agents, loaded once per mount; [] until known or when the request fails. */
export function useAgents(): AgentInfo[] {
  const { api } = useStores();
  const [agents, setAgents] = useState<AgentInfo[]>([]);
  useEffect(() => {
    let current = true;
    Promise.resolve()
      .then(() => api.listAgents())
      .then((items) => current && setAgents(items))
      .catch(() => current && setAgents([]));
    return () => {
      current = false;
    };
  }, [api]);
  return agents;
}

/** The agent of a new chat: the chosen one, else the server's default. */
export function chosenAgent(agents: AgentInfo[], chosen: string | null): AgentInfo | undefined {
  return agents.find((a) => a.name === chosen) ?? agents.find((a) => a.default) ?? agents[0];
}

/**
 * Which agent a new chat talks to, shown only when the server serves more
 * than one (`agentwire serve a.ts b.ts`). A chat keeps its agent for good.
 */
export function AgentPicker({ agents }: { agents: AgentInfo[] }) {
  const { chat } = useStores();
  const chosen = useChat((s) => s.newChatAgent);
  if (agents.length < 2) return null;
  const current = chosenAgent(agents, chosen);
  return (
    <div className="agent-picker">
      <label htmlFor="agent-picker">Agent</label>
      <select id="agent-picker" value={current?.name ?? ''} onChange={(e) => chat.getState().chooseAgent(e.target.value)}>
        {agents.map((a) => (
          <option key={a.name} value={a.name}>
            {a.name}
          </option>
        ))}
      </select>
      {current?.description ? <p className="agent-picker-description">{current.description}</p> : null}
    </div>
  );
}
