import type { ContainerSpec, HealthConfig } from '../../../api/objects/container-spec.ts';
import type {
  EndpointSpec,
  ServiceMode,
  ServiceSpec,
  UpdateConfig,
} from '../../../api/objects/service-spec.ts';
import type { TaskSpec } from '../../../api/objects/task-spec.ts';
import { CliError } from '../../cli-error.ts';
import type { ServiceFlagValues } from './service-flags.ts';

/** Whether the user gave the option stored under `key` (a {@link ServiceFlagValues} key). */
export type ChangedFlag = (key: string) => boolean;

/**
 * Applies the scalar flags `create` and `update` share to `spec` and returns the new spec,
 * touching only what the user gave (pflag's `Changed`), as docker's `updateService` does.
 * Throws docker's messages for values that conflict with the service mode.
 */
export function applySharedFlags(
  spec: ServiceSpec,
  values: ServiceFlagValues,
  changed: ChangedFlag,
): ServiceSpec {
  const template = spec.TaskTemplate ?? {};
  const container = containerFlags(template.ContainerSpec ?? {}, values, changed);
  const task: TaskSpec = {
    ...template,
    ContainerSpec: container,
    ...resourceFlags(template, values, changed),
    ...restartFlags(template, values, changed),
    ...placementFlags(template, values, changed),
    ...logFlags(template, values, changed),
  };
  return {
    ...spec,
    TaskTemplate: task,
    Mode: modeFlags(spec.Mode ?? { Replicated: {} }, values, changed),
    ...updateConfigFlags(spec, 'update', values, changed),
    ...updateConfigFlags(spec, 'rollback', values, changed),
    ...endpointFlags(spec.EndpointSpec, values, changed),
  };
}

function containerFlags(
  base: ContainerSpec,
  values: ServiceFlagValues,
  changed: ChangedFlag,
): ContainerSpec {
  const next: Record<string, unknown> = { ...base };
  if (changed('entrypoint')) next.Command = shellWords(values.entrypoint ?? '');
  if (changed('workdir')) next.Dir = values.workdir;
  if (changed('user')) next.User = values.user;
  if (changed('hostname')) next.Hostname = values.hostname;
  if (changed('init')) next.Init = values.init;
  if (changed('tty')) next.TTY = values.tty;
  if (changed('readOnly')) next.ReadOnly = values.readOnly;
  if (changed('stopSignal')) next.StopSignal = values.stopSignal;
  if (changed('stopGracePeriod')) next.StopGracePeriod = values.stopGracePeriod;
  const health = healthFlags(base.Healthcheck, values, changed);
  if (health !== undefined) next.Healthcheck = health;
  return next;
}

function healthFlags(
  base: HealthConfig | undefined,
  values: ServiceFlagValues,
  changed: ChangedFlag,
): HealthConfig | undefined {
  const any =
    changed('healthCmd') ||
    changed('healthInterval') ||
    changed('healthTimeout') ||
    changed('healthRetries') ||
    changed('healthStartPeriod');
  if (values.healthcheck === false) {
    if (any) throw new CliError('--no-healthcheck conflicts with --health-* options');
    return { Test: ['NONE'] };
  }
  if (!any) return undefined;
  const next: Record<string, unknown> = { ...base };
  if (base?.Test?.[0] === 'NONE') delete next.Test;
  if (changed('healthCmd')) {
    next.Test = values.healthCmd === '' ? undefined : ['CMD-SHELL', values.healthCmd];
  }
  if (changed('healthInterval')) next.Interval = values.healthInterval;
  if (changed('healthTimeout')) next.Timeout = values.healthTimeout;
  if (changed('healthRetries')) next.Retries = values.healthRetries;
  if (changed('healthStartPeriod')) next.StartPeriod = values.healthStartPeriod;
  return next;
}

function resourceFlags(
  template: TaskSpec,
  values: ServiceFlagValues,
  changed: ChangedFlag,
): Pick<TaskSpec, 'Resources'> {
  const limits: Record<string, unknown> = { ...template.Resources?.Limits };
  const reservations: Record<string, unknown> = { ...template.Resources?.Reservations };
  if (changed('limitCpu')) limits.NanoCPUs = values.limitCpu;
  if (changed('limitMemory')) limits.MemoryBytes = values.limitMemory;
  if (changed('limitPids')) limits.Pids = values.limitPids;
  if (changed('reserveCpu')) reservations.NanoCPUs = values.reserveCpu;
  if (changed('reserveMemory')) reservations.MemoryBytes = values.reserveMemory;
  const touched = ['limitCpu', 'limitMemory', 'limitPids', 'reserveCpu', 'reserveMemory'] as const;
  if (!touched.some(changed)) return template.Resources ? { Resources: template.Resources } : {};
  return { Resources: { Limits: limits, Reservations: reservations } };
}

function restartFlags(
  template: TaskSpec,
  values: ServiceFlagValues,
  changed: ChangedFlag,
): Pick<TaskSpec, 'RestartPolicy'> {
  const keys = ['restartCondition', 'restartDelay', 'restartMaxAttempts', 'restartWindow'] as const;
  if (!keys.some(changed))
    return template.RestartPolicy ? { RestartPolicy: template.RestartPolicy } : {};
  const next: Record<string, unknown> = { ...template.RestartPolicy };
  if (changed('restartCondition')) {
    const condition = values.restartCondition ?? '';
    if (!['none', 'on-failure', 'any'].includes(condition)) {
      throw new CliError(`invalid restart condition: ${condition}`);
    }
    next.Condition = condition;
  }
  if (changed('restartDelay')) next.Delay = values.restartDelay;
  if (changed('restartMaxAttempts')) next.MaxAttempts = values.restartMaxAttempts;
  if (changed('restartWindow')) next.Window = values.restartWindow;
  return { RestartPolicy: next };
}

function placementFlags(
  template: TaskSpec,
  values: ServiceFlagValues,
  changed: ChangedFlag,
): Pick<TaskSpec, 'Placement'> {
  if (!changed('replicasMaxPerNode'))
    return template.Placement ? { Placement: template.Placement } : {};
  return { Placement: { ...template.Placement, MaxReplicas: values.replicasMaxPerNode ?? 0 } };
}

function logFlags(
  template: TaskSpec,
  values: ServiceFlagValues,
  changed: ChangedFlag,
): Pick<TaskSpec, 'LogDriver'> {
  if (!changed('logDriver') && !changed('logOpt')) {
    return template.LogDriver ? { LogDriver: template.LogDriver } : {};
  }
  const options = Object.fromEntries(
    (values.logOpt ?? []).map((o) => {
      const at = o.indexOf('=');
      return at < 0 ? [o, ''] : [o.slice(0, at), o.slice(at + 1)];
    }),
  );
  return {
    LogDriver: {
      Name: values.logDriver ?? template.LogDriver?.Name ?? '',
      Options: { ...template.LogDriver?.Options, ...options },
    },
  };
}

function modeFlags(
  mode: ServiceMode,
  values: ServiceFlagValues,
  changed: ChangedFlag,
): ServiceMode {
  if (changed('replicas')) {
    if (mode.Replicated !== undefined) return { Replicated: { Replicas: values.replicas ?? 0 } };
    if (mode.ReplicatedJob === undefined) {
      throw new CliError('replicas can only be used with replicated or replicated-job mode');
    }
  }
  if (
    changed('replicasMaxPerNode') &&
    mode.Replicated === undefined &&
    mode.ReplicatedJob === undefined
  ) {
    throw new CliError(
      'replicas-max-per-node can only be used with replicated or replicated-job mode',
    );
  }
  if (changed('maxConcurrent') && mode.ReplicatedJob === undefined) {
    throw new CliError('max-concurrent can only be used with replicated-job mode');
  }
  if (mode.ReplicatedJob !== undefined && (changed('replicas') || changed('maxConcurrent'))) {
    return {
      ReplicatedJob: {
        ...mode.ReplicatedJob,
        ...(changed('replicas') ? { TotalCompletions: values.replicas } : {}),
        ...(changed('maxConcurrent') ? { MaxConcurrent: values.maxConcurrent } : {}),
      },
    };
  }
  return mode;
}

const UPDATE_KEYS = {
  update: {
    field: 'UpdateConfig',
    parallelism: 'updateParallelism',
    delay: 'updateDelay',
    failureAction: 'updateFailureAction',
    monitor: 'updateMonitor',
    maxFailureRatio: 'updateMaxFailureRatio',
    order: 'updateOrder',
  },
  rollback: {
    field: 'RollbackConfig',
    parallelism: 'rollbackParallelism',
    delay: 'rollbackDelay',
    failureAction: 'rollbackFailureAction',
    monitor: 'rollbackMonitor',
    maxFailureRatio: 'rollbackMaxFailureRatio',
    order: 'rollbackOrder',
  },
} as const;

function updateConfigFlags(
  spec: ServiceSpec,
  kind: 'update' | 'rollback',
  values: ServiceFlagValues,
  changed: ChangedFlag,
): Partial<Pick<ServiceSpec, 'UpdateConfig' | 'RollbackConfig'>> {
  const keys = UPDATE_KEYS[kind];
  const base = spec[keys.field];
  const touched = [
    keys.parallelism,
    keys.delay,
    keys.failureAction,
    keys.monitor,
    keys.maxFailureRatio,
    keys.order,
  ];
  if (!touched.some(changed)) return base === undefined ? {} : { [keys.field]: base };
  const next: Record<string, unknown> = {
    Parallelism: 1,
    FailureAction: 'pause',
    Monitor: 5_000_000_000,
    MaxFailureRatio: 0,
    Order: 'stop-first',
    ...base,
  };
  if (changed(keys.parallelism)) next.Parallelism = values[keys.parallelism];
  if (changed(keys.delay)) next.Delay = values[keys.delay];
  if (changed(keys.failureAction)) {
    const action = values[keys.failureAction] ?? '';
    const allowed = kind === 'update' ? ['pause', 'continue', 'rollback'] : ['pause', 'continue'];
    if (!allowed.includes(action)) {
      throw new CliError(
        `invalid argument "${action}" for "--${kind}-failure-action" flag: must be one of ${allowed.join(', ')}`,
      );
    }
    next.FailureAction = action;
  }
  if (changed(keys.monitor)) next.Monitor = values[keys.monitor];
  if (changed(keys.maxFailureRatio)) next.MaxFailureRatio = values[keys.maxFailureRatio];
  if (changed(keys.order)) {
    const order = values[keys.order] ?? '';
    if (!['start-first', 'stop-first'].includes(order)) {
      throw new CliError(
        `invalid argument "${order}" for "--${kind}-order" flag: must be start-first or stop-first`,
      );
    }
    next.Order = order;
  }
  return { [keys.field]: next as UpdateConfig };
}

function endpointFlags(
  endpoint: EndpointSpec | undefined,
  values: ServiceFlagValues,
  changed: ChangedFlag,
): Pick<ServiceSpec, 'EndpointSpec'> {
  if (!changed('endpointMode')) return endpoint ? { EndpointSpec: endpoint } : {};
  const mode = values.endpointMode ?? '';
  if (mode !== 'vip' && mode !== 'dnsrr') throw new CliError(`invalid endpoint mode: ${mode}`);
  return { EndpointSpec: { ...endpoint, Mode: mode } };
}

/** Splits a command line into words as a POSIX shell would (quotes and backslashes; no expansion). */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  let current: string | undefined;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const char = text.charAt(i);
    if (quote !== undefined) {
      if (char === quote) quote = undefined;
      else if (char === '\\' && quote === '"' && i + 1 < text.length)
        current = (current ?? '') + text.charAt(++i);
      else current = (current ?? '') + char;
    } else if (char === '"' || char === "'") {
      quote = char;
      current ??= '';
    } else if (char === '\\' && i + 1 < text.length) {
      current = (current ?? '') + text.charAt(++i);
    } else if (/\s/.test(char)) {
      if (current !== undefined) words.push(current);
      current = undefined;
    } else current = (current ?? '') + char;
  }
  if (current !== undefined) words.push(current);
  return words;
}
