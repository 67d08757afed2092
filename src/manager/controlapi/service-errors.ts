import { statusOf } from '../../api/errors.ts';
import type { ErrorCode } from '../../api/errors.ts';
import { ShoalError } from '../../base/errors.ts';

function serviceError(code: ErrorCode, message: string, field?: string): ShoalError {
  return new ShoalError(code, message, {
    status: statusOf(code),
    ...(field === undefined ? {} : { field }),
  });
}

/**
 * Docker's 409 for a create whose name another service holds (case-insensitively): the
 * store's "name conflicts with an existing object" followed by the service's name, the
 * text swarmkit keeps for clients that match on it.
 */
export function serviceNameConflict(name: string): ShoalError {
  return serviceError(
    'STORE_NAME_CONFLICT',
    `name conflicts with an existing object: service ${name} already exists`,
    'Name',
  );
}

/** Docker's FailedPrecondition (400) for `rollback=previous` on a service never updated. */
export function noPreviousSpec(serviceId: string): ShoalError {
  return serviceError(
    'SERVICE_NO_PREVIOUS_SPEC',
    `service ${serviceId} does not have a previous spec`,
  );
}

/**
 * Docker's 400 for a published port another service already holds: `how` says whether the
 * other service holds it as a host-published or an ingress port.
 */
export function portInUse(
  port: number,
  other: { readonly name: string; readonly id: string },
  how: 'host' | 'ingress',
): ShoalError {
  const as = how === 'host' ? 'a host-published port' : 'an ingress port';
  return serviceError(
    'SPEC_INVALID',
    `port '${port}' is already in use by service '${other.name}' (${other.id}) as ${as}`,
    'EndpointSpec.Ports',
  );
}
