import type { Resources } from '../objects/common.ts';
import type { Limit, RestartPolicy, TaskSpec } from '../objects/task-spec.ts';
import { RESTART_CONDITIONS } from '../objects/task-spec.ts';
import { validatePlacement } from './constraints.ts';
import { validateContainerSpec } from './container-spec.ts';
import { validateConfigReferences, validateSecretReferences } from './references.ts';
import type { Problem } from './spec-error.ts';
import { checkCount, checkOneOf, firstProblem, given, specError } from './spec-error.ts';

const BASE = 'TaskTemplate';
const MIN_NANO_CPUS = 1e6;
const MIN_MEMORY_BYTES = 4 * 1024 * 1024;

function checkResources(field: string, resources: Resources | Limit | undefined): Problem {
  if (resources === undefined) return undefined;
  const cpus: unknown = resources.NanoCPUs ?? 0;
  const memory: unknown = resources.MemoryBytes ?? 0;
  if (typeof cpus !== 'number' || (cpus !== 0 && cpus < MIN_NANO_CPUS)) {
    return specError(
      `${field}.NanoCPUs`,
      `invalid cpu value ${String(Number(cpus) / 1e9)}: Must be at least 0.001`,
    );
  }
  if (typeof memory !== 'number' || (memory !== 0 && memory < MIN_MEMORY_BYTES)) {
    return specError(
      `${field}.MemoryBytes`,
      `invalid memory value ${String(memory)}: Must be at least 4MiB`,
    );
  }
  return 'Pids' in resources ? checkCount(`${field}.Pids`, resources.Pids) : undefined;
}

function checkNotNegative(field: string, value: unknown, message: string): Problem {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    return specError(field, `${field} must be a whole number of nanoseconds`);
  }
  return value < 0 ? specError(field, message) : undefined;
}

function checkRestartPolicy(policy: RestartPolicy | undefined): Problem {
  if (policy === undefined) return undefined;
  const field = `${BASE}.RestartPolicy`;
  return firstProblem([
    () =>
      checkOneOf(
        `${field}.Condition`,
        given(policy.Condition),
        RESTART_CONDITIONS,
        (v) => `invalid RestartCondition: ${JSON.stringify(v)}`,
      ),
    () =>
      checkNotNegative(
        `${field}.Delay`,
        policy.Delay,
        'TaskSpec: restart-delay cannot be negative',
      ),
    () =>
      checkNotNegative(
        `${field}.Window`,
        policy.Window,
        'TaskSpec: restart-window cannot be negative',
      ),
    () => checkCount(`${field}.MaxAttempts`, policy.MaxAttempts),
  ]);
}

function checkRuntime(task: TaskSpec): Problem {
  const runtime = given(task.Runtime) ?? 'container';
  if (runtime !== 'container') {
    return specError(
      `${BASE}.Runtime`,
      `RuntimeSpec: unimplemented runtime in service spec (${JSON.stringify(runtime)}): shoal runs containers only`,
    );
  }
  if (task.ContainerSpec === undefined) {
    return specError(`${BASE}.ContainerSpec`, 'TaskSpec: missing runtime');
  }
  return validateContainerSpec(task.ContainerSpec);
}

function checkNetworks(field: string, task: TaskSpec): Problem {
  for (const [i, network] of (task.Networks ?? []).entries()) {
    const target: unknown = network.Target;
    if (typeof target !== 'string' || target === '') {
      return specError(`${field}[${i}].Target`, 'a network attachment needs a Target network');
    }
  }
  return undefined;
}

/**
 * Checks a service's task template, with Docker's messages where it has them: resources
 * (CPU 0 or ≥ 0.001, memory 0 or ≥ 4 MiB), restart policy (known condition, delay and window
 * not negative), placement (validatePlacement), secret and config references
 * (references.ts), the runtime (only containers) and the container spec
 * (validateContainerSpec), and network attachments (a target each).
 */
export function validateTaskTemplate(task: TaskSpec): Problem {
  return firstProblem([
    () => checkResources(`${BASE}.Resources.Limits`, task.Resources?.Limits),
    () => checkResources(`${BASE}.Resources.Reservations`, task.Resources?.Reservations),
    () => checkRestartPolicy(task.RestartPolicy),
    () => validatePlacement(task.Placement),
    () => validateSecretReferences(task.ContainerSpec?.Secrets),
    () => validateConfigReferences(task.ContainerSpec?.Configs, task.ContainerSpec?.Privileges),
    () => checkRuntime(task),
    () => checkNetworks(`${BASE}.Networks`, task),
  ]);
}
