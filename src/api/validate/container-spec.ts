import type { ContainerSpec, HealthConfig, Mount } from '../objects/container-spec.ts';
import { MOUNT_TYPES } from '../objects/container-spec.ts';
import { MILLISECOND } from '../defaults.ts';
import { isValidImageReference } from './image-reference.ts';
import { checkLabels } from './labels.ts';
import type { Problem } from './spec-error.ts';
import { checkOneOf, firstProblem, given, specError } from './spec-error.ts';

const BASE = 'TaskTemplate.ContainerSpec';

function checkImage(image: unknown): Problem {
  const field = `${BASE}.Image`;
  if (image === undefined || image === '') {
    return specError(field, 'ContainerSpec: image reference must be provided');
  }
  if (typeof image !== 'string' || !isValidImageReference(image)) {
    return specError(
      field,
      `ContainerSpec: ${JSON.stringify(image)} is not a valid repository/tag`,
    );
  }
  return undefined;
}

function checkMounts(mounts: readonly Mount[] | undefined): Problem {
  const targets = new Set<string>();
  for (const [i, mount] of (mounts ?? []).entries()) {
    const field = `${BASE}.Mounts[${i}]`;
    const problem = checkOneOf(
      `${field}.Type`,
      given(mount.Type),
      MOUNT_TYPES,
      (v) => `invalid mount type ${JSON.stringify(v)}: use ${MOUNT_TYPES.join(', ')}`,
    );
    if (problem !== undefined) return problem;
    const target = mount.Target ?? '';
    if (targets.has(target)) {
      return specError(`${field}.Target`, `ContainerSpec: duplicate mount point: ${target}`);
    }
    targets.add(target);
  }
  return undefined;
}

function checkHealthDuration(name: keyof HealthConfig, value: unknown): Problem {
  const field = `${BASE}.Healthcheck.${name}`;
  if (value === undefined || value === 0) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    return specError(field, `${field} must be a whole number of nanoseconds`);
  }
  if (value < MILLISECOND) {
    return specError(field, `ContainerSpec: ${name} in HealthConfig cannot be less than 1ms`);
  }
  return undefined;
}

function checkHealthcheck(health: HealthConfig | undefined): Problem {
  if (health === undefined) return undefined;
  return firstProblem([
    () => checkHealthDuration('Interval', health.Interval),
    () => checkHealthDuration('Timeout', health.Timeout),
    () => checkHealthDuration('StartPeriod', health.StartPeriod),
    () => checkHealthDuration('StartInterval', health.StartInterval),
    () => {
      const retries: unknown = health.Retries;
      if (retries === undefined || (typeof retries === 'number' && retries >= 0)) return undefined;
      return specError(
        `${BASE}.Healthcheck.Retries`,
        'ContainerSpec: Retries in HealthConfig cannot be negative',
      );
    },
  ]);
}

function checkStopGracePeriod(period: unknown): Problem {
  if (
    period === undefined ||
    (typeof period === 'number' && Number.isSafeInteger(period) && period >= 0)
  ) {
    return undefined;
  }
  return specError(
    `${BASE}.StopGracePeriod`,
    'ContainerSpec: StopGracePeriod must be a whole number of nanoseconds, 0 or more',
  );
}

/**
 * Checks what a task's container runs, with Docker's messages: an image reference is
 * required and must parse, mount targets are unique (and mount types known), health-check
 * durations are 0 or at least 1 ms and retries not negative. Labels must be strings and
 * the stop grace period a non-negative duration. Secret and config references are checked
 * by references.ts.
 */
export function validateContainerSpec(container: ContainerSpec): Problem {
  return firstProblem([
    () => checkImage(container.Image),
    () => checkLabels(`${BASE}.Labels`, container.Labels),
    () => checkMounts(container.Mounts),
    () => checkHealthcheck(container.Healthcheck),
    () => checkStopGracePeriod(container.StopGracePeriod),
  ]);
}
