import { statusOf } from '../../api/errors.ts';
import type { ErrorCode } from '../../api/errors.ts';
import { ShoalError } from '../../base/errors.ts';

function controlError(code: ErrorCode, message: string): ShoalError {
  return new ShoalError(code, message, { status: statusOf(code) });
}

/** `swarm init` when the store already holds a cluster (Docker's text). */
export function swarmExists(): ShoalError {
  return controlError(
    'SWARM_EXISTS',
    'This node is already part of a swarm. Use "docker swarm leave" to leave this swarm and join another one.',
  );
}

/** A swarm request before `swarm init`. */
export function swarmNotInitialized(): ShoalError {
  return controlError(
    'SWARM_NOT_INITIALIZED',
    'This node is not part of a swarm: run "swarm init" to create one, or "swarm join" to join one',
  );
}

/** Docker's refusal to demote the only manager. */
export function lastManager(): ShoalError {
  return controlError('NODE_LAST_MANAGER', 'attempting to demote the last manager of the swarm');
}

/** Docker's refusal of a demotion or removal that would leave the Raft without a majority. */
export function quorumLoss(): ShoalError {
  return controlError(
    'NODE_QUORUM_LOSS',
    "can't remove member from the raft: this would result in a loss of quorum",
  );
}

/** Docker's refusal to remove a live node without force. */
export function nodeNotDown(nodeId: string): ShoalError {
  return controlError('NODE_NOT_DOWN', `node ${nodeId} is not down and can't be removed`);
}

/** Docker's refusal to remove a manager. */
export function nodeIsManager(nodeId: string): ShoalError {
  return controlError(
    'NODE_IS_MANAGER',
    `node ${nodeId} is a cluster manager and is a member of the raft cluster. It must be demoted to worker before removal`,
  );
}

/** A raft join by a node whose desired role is not manager. */
export function nodeNotManager(nodeId: string): ShoalError {
  return controlError(
    'NODE_NOT_MANAGER',
    `node ${nodeId} is not a manager: promote it (node promote) before it joins the managers`,
  );
}

/**
 * A leader-only operation on a manager that does not lead: `leader` is the raft ID it
 * believes leads (0 when there is none: Docker's no-leader text), `undefined` when unknown.
 */
export function notLeader(leader?: number): ShoalError {
  let message = 'this manager is not the leader: retry on the leader';
  if (leader === 0) {
    message =
      "The swarm does not have a leader. It's possible that too few managers are online. Make sure more than half of the managers are online.";
  } else if (leader !== undefined) {
    message = `this manager is not the leader (raft member ${leader} is): retry on the leader`;
  }
  return controlError('MANAGER_NOT_LEADER', message);
}
