import type { EngineApi } from '../../client/engine-api.ts';

/**
 * The node a user's reference names: `self` is this daemon's node (`GET /info`); anything
 * else is passed on as given (the daemon resolves IDs, names and prefixes). When `/info`
 * has no node ID, `GET /nodes` is asked so the daemon's own error (not a manager, not in a
 * swarm) reaches the user; failing that, "node ID not found in /info".
 */
export async function resolveNodeReference(api: EngineApi, reference: string): Promise<string> {
  if (reference !== 'self') return reference;
  const info = await api.info();
  const id = info.Swarm?.NodeID ?? '';
  if (id !== '') return id;
  await api.nodeList();
  throw new Error('node ID not found in /info');
}
