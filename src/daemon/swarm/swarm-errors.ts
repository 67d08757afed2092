import { statusOf } from '../../api/errors.ts';
import { ShoalError } from '../../base/errors.ts';

/** Docker's refusal of a manager-only request on a node that runs no manager (503). */
export function notSwarmManager(): ShoalError {
  return new ShoalError(
    'SWARM_NOT_MANAGER',
    'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.',
    { status: statusOf('SWARM_NOT_MANAGER') },
  );
}

/** Docker's refusal of a manager-only request on a worker (503). */
export function workerNotManager(): ShoalError {
  return new ShoalError(
    'SWARM_NOT_MANAGER',
    "This node is not a swarm manager. Worker nodes can't be used to view or modify cluster state. Please run this command on a manager node or promote the current node to a manager.",
    { status: statusOf('SWARM_NOT_MANAGER') },
  );
}

/** Docker's refusal of `swarm leave` without `--force` on a manager (503). */
export function leaveNeedsForce(): ShoalError {
  return new ShoalError(
    'SWARM_LEAVE_NEEDS_FORCE',
    'You are attempting to leave the swarm on a node that is participating as a manager. Removing the last manager erases all current state of the swarm. Use `--force` to ignore this message.',
    { status: statusOf('SWARM_LEAVE_NEEDS_FORCE') },
  );
}

/** `swarm leave` on a node outside any swarm (Docker's text, 503). */
export function notInSwarm(): ShoalError {
  return new ShoalError('SWARM_NOT_MEMBER', 'This node is not part of a swarm', {
    status: statusOf('SWARM_NOT_MEMBER'),
  });
}

/** Docker's error when no address to advertise can be chosen (400); `message` is Docker's text. */
export function noAdvertiseAddress(message: string): ShoalError {
  return new ShoalError('DAEMON_CONFIG_INVALID', message, {
    status: statusOf('DAEMON_CONFIG_INVALID'),
    field: 'AdvertiseAddr',
  });
}

/** `swarm init --autolock`: not built yet, refused rather than storing keys in clear. */
export function autolockUnsupported(): ShoalError {
  return new ShoalError(
    'SPEC_INVALID',
    'autolock is not supported yet: run "swarm init" without --autolock',
    { status: statusOf('SPEC_INVALID'), field: 'AutoLockManagers' },
  );
}

/** A lifecycle step this build does not have yet (`swarm join`, `swarm unlock`). */
export function swarmFeatureMissing(what: string): ShoalError {
  return new ShoalError(
    'DAEMON_SWARM_UNSUPPORTED',
    `${what} is not supported by this shoal build yet`,
    { status: statusOf('DAEMON_SWARM_UNSUPPORTED') },
  );
}
