import type { EngineApi } from '../../client/engine-api.ts';
import type { TextSink } from '../../cli-io.ts';

/**
 * The paragraphs `swarm init`, `swarm join-token`, `swarm update` and `swarm unlock-key`
 * print, in docker's words with `shoal` for `docker`.
 */

/**
 * Prints how to join as a worker and/or a manager: the node's manager address comes from
 * `GET /nodes/{nodeId}`, the tokens from `GET /swarm` (in that order, as docker asks).
 * Prints nothing for a node without manager status.
 */
export async function printJoinCommand(
  api: EngineApi,
  out: TextSink,
  nodeId: string,
  roles: { readonly worker: boolean; readonly manager: boolean },
): Promise<void> {
  const { node } = await api.nodeInspect(nodeId);
  const swarm = await api.swarmInspect();
  const address = node.ManagerStatus?.Addr;
  if (address === undefined) return;
  if (roles.worker) {
    out.write(
      `To add a worker to this swarm, run the following command:\n\n    shoal swarm join --token ${swarm.JoinTokens.Worker} ${address}\n\n`,
    );
  }
  if (roles.manager) {
    out.write(
      `To add a manager to this swarm, run the following command:\n\n    shoal swarm join --token ${swarm.JoinTokens.Manager} ${address}\n\n`,
    );
  }
}

/** Prints the unlock key paragraph; nothing for an empty key. */
export function printUnlockCommand(out: TextSink, key: string): void {
  if (key === '') return;
  out.write(
    'To unlock a swarm manager after it restarts, run the `shoal swarm unlock`\n' +
      `command and provide the following key:\n\n    ${key}\n\n` +
      'Remember to store this key in a password manager, since without it you\n' +
      'will not be able to restart the manager.\n',
  );
}

/** `swarm unlock`'s prompt on a terminal. */
export const UNLOCK_PROMPT = 'Please enter unlock key: ';
