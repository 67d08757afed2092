import { ShoalError } from '../../base/errors.ts';
import { statusOf } from '../errors.ts';
import type { NetworkAttachmentConfig } from '../objects/task-spec.ts';
import type { ServiceSpec } from '../objects/service-spec.ts';
import { serviceModeName } from '../objects/service-spec.ts';
import type { Problem } from './spec-error.ts';

function unsupported(code: string, field: string, message: string): ShoalError {
  return new ShoalError(code, message, { status: statusOf(code), field });
}

function sameNetworks(
  a: readonly NetworkAttachmentConfig[] | undefined,
  b: readonly NetworkAttachmentConfig[] | undefined,
): boolean {
  return JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
}

/**
 * Checks what an update may not change, with Docker's messages and status 501: the mode
 * kind (`SERVICE_MODE_CHANGE`, "service mode change is not allowed"; replica counts may
 * change), the name (`SERVICE_RENAME`, "renaming services is not supported"), and the
 * deprecated top-level `Networks` on their own (`SERVICE_NETWORKS_UPDATE`; changing them
 * together with `TaskTemplate.Networks` is the migration path and is allowed).
 * Validate `next` with validateServiceSpec as well.
 */
export function validateServiceUpdate(current: ServiceSpec, next: ServiceSpec): Problem {
  if (
    !sameNetworks(current.Networks, next.Networks) &&
    sameNetworks(current.TaskTemplate?.Networks, next.TaskTemplate?.Networks)
  ) {
    return unsupported(
      'SERVICE_NETWORKS_UPDATE',
      'Networks',
      'networks must be migrated to TaskSpec before being changed',
    );
  }
  if (serviceModeName(current.Mode) !== serviceModeName(next.Mode)) {
    return unsupported('SERVICE_MODE_CHANGE', 'Mode', 'service mode change is not allowed');
  }
  if ((current.Name ?? '') !== (next.Name ?? '')) {
    return unsupported('SERVICE_RENAME', 'Name', 'renaming services is not supported');
  }
  return undefined;
}
