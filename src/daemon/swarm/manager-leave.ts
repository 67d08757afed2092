import { statusOf } from '../../api/errors.ts';
import type { Clock } from '../../base/clock.ts';
import { ShoalError } from '../../base/errors.ts';
import type { Logger } from '../../base/logger.ts';
import { listNodes } from '../../manager/controlapi/nodes.ts';
import type { Manager } from '../../manager/manager.ts';
import { canRemoveMember } from '../../manager/membership/raft-view.ts';
import { nodes } from '../../store/tables.ts';
import { leaveNeedsForce } from './swarm-errors.ts';

/** Managers as this manager sees them: reachable and unreachable counts. */
interface ManagerStats {
  readonly reachable: number;
  readonly unreachable: number;
}

function managerStats(manager: Manager): ManagerStats {
  const all = manager.store.view((r) => listNodes(r, new Map(), manager.raftView));
  let reachable = 0;
  let unreachable = 0;
  for (const node of all) {
    if (node.ManagerStatus === undefined) continue;
    // A follower's Raft view knows only itself and the leader; a manager whose agent
    // heartbeats (node ready) is up too.
    if (node.ManagerStatus.Reachability === 'reachable' || node.Status.State === 'ready') {
      reachable++;
    } else unreachable++;
  }
  return { reachable, unreachable };
}

const LEAVE_AS_MANAGER =
  'You are attempting to leave the swarm on a node that is participating as a manager. ';
const RESTORE_HINT =
  'The only way to restore a swarm that has lost consensus is to reinitialize it with `--force-new-cluster`. Use `--force` to suppress this message.';

/**
 * Docker's refusal of `swarm leave` without `--force` on a manager (`SWARM_LEAVE_NEEDS_FORCE`,
 * 503), worded from what this manager sees (Docker's `Leave`): the last manager is told its
 * state would be erased; a manager whose departure loses the Raft majority is told how many
 * managers would be left; one without a leader, that consensus may be lost. `manager` is
 * undefined while the manager is not running (a locked node).
 */
export function leaveRefusal(manager: Manager | undefined): ShoalError {
  let message = LEAVE_AS_MANAGER;
  if (manager !== undefined && manager.raft.leader() !== 0) {
    const { reachable, unreachable } = managerStats(manager);
    if (reachable - 1 <= unreachable) {
      if (reachable === 1 && unreachable === 0) return leaveNeedsForce();
      message += `Removing this node leaves ${reachable - 1} managers out of ${reachable + unreachable}. Without a Raft quorum your swarm will be inaccessible. `;
    }
  } else {
    message += 'Doing so may lose the consensus of your cluster. ';
  }
  return new ShoalError('SWARM_LEAVE_NEEDS_FORCE', message + RESTORE_HINT, {
    status: statusOf('SWARM_LEAVE_NEEDS_FORCE'),
  });
}

/** Bounds on the steps of {@link leaveRaft}, so a leave never hangs on a sick cluster. */
const WRITE_TIMEOUT_MS = 3_000;
const REMOVAL_TIMEOUT_MS = 6_000;

function within<T>(clock: Clock, ms: number, work: Promise<T>, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const cancel = clock.setTimer(ms, () => reject(new Error(`${what}: no answer in ${ms} ms`)));
    work.then(
      (value) => {
        cancel();
        resolve(value);
      },
      (err: unknown) => {
        cancel();
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

async function waitUntil(clock: Clock, ms: number, done: () => boolean): Promise<boolean> {
  for (let waited = 0; waited < ms; waited += 50) {
    if (done()) return true;
    await new Promise<void>((resolve) => clock.setTimer(50, resolve));
  }
  return done();
}

/**
 * Before a forced leave of manager `nodeId` that is not the last one: asks the cluster to take
 * it out of Raft, so the remaining managers keep a majority of the right size. It records the
 * node's desired role as worker (the leader's membership reconciler then removes the member,
 * handing leadership over first when this manager leads, and never below a reachable
 * majority), then waits, bounded, until no leader talks to it any more. Skipped, as Docker
 * skips it, when there is no leader, when this is the only member, or when this leader's
 * removal would lose quorum. Never throws: the leave goes on whatever happens here.
 */
export async function leaveRaft(
  manager: Manager,
  nodeId: string,
  deps: { readonly clock: Clock; readonly logger: Logger },
): Promise<void> {
  const raft = manager.raftView;
  const members = raft.confState().voters.length + raft.confState().learners.length;
  if (raft.leader() === 0 || members <= 1) return;
  const leads = raft.leader() === raft.selfId;
  // Only the leader sees every member's reachability; a follower leaves the check to it.
  if (leads && !canRemoveMember(raft, raft.selfId)) {
    deps.logger.warn('leaving without removal from Raft: the rest would lose their majority');
    return;
  }
  try {
    const write = manager.store.update((tx) => {
      const node = tx.get(nodes, nodeId);
      if (node !== undefined && node.Spec.Role !== 'worker') {
        tx.update(nodes, { ...node, Spec: { ...node.Spec, Role: 'worker' } });
      }
    });
    await within(deps.clock, WRITE_TIMEOUT_MS, write, 'recording the departure');
  } catch (err) {
    deps.logger.warn('leaving without removal from Raft', { error: String(err) });
    return;
  }
  // The removal needs this member's vote when the others alone are no majority of the old
  // configuration (two managers), so stay until no leader talks to us any more: a removed
  // member hears nothing and its election timer clears its leader. A leader hands over first.
  if (!(await waitUntil(deps.clock, REMOVAL_TIMEOUT_MS, () => raft.leader() === 0))) {
    deps.logger.warn('leaving before the removal from Raft was seen', { leader: leads });
  }
}
