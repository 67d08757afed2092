import type { ContainerSpec } from './objects/container-spec.ts';
import type {
  EndpointSpec,
  PortConfig,
  ServiceMode,
  ServiceSpec,
  UpdateConfig,
} from './objects/service-spec.ts';
import type { RestartPolicy, TaskSpec } from './objects/task-spec.ts';

// Enum fields use `||` rather than `??`: an empty string is Go's zero value, which Docker
// reads as "unset", so shoal does too.

/**
 * The mode Docker stores for a requested mode: one replica when none is given; a replicated
 * job runs one task at a time and completes as many as run at once, unless told otherwise.
 * Assumes at most one mode is set (validateServiceSpec checks it first).
 */
export function normalizeServiceMode(mode: ServiceMode | undefined): ServiceMode {
  if (mode?.Global !== undefined) return { Global: {} };
  if (mode?.GlobalJob !== undefined) return { GlobalJob: {} };
  const job = mode?.ReplicatedJob;
  if (job !== undefined) {
    const maxConcurrent = job.MaxConcurrent ?? 1;
    return {
      ReplicatedJob: {
        MaxConcurrent: maxConcurrent,
        TotalCompletions: job.TotalCompletions ?? maxConcurrent,
      },
    };
  }
  return { Replicated: { Replicas: mode?.Replicated?.Replicas ?? 1 } };
}

function normalizeUpdateConfig(config: UpdateConfig | undefined): UpdateConfig | undefined {
  if (config === undefined) return undefined;
  // Docker stores a zero Monitor as "unset" (so the 5 s default applies) and omits a zero
  // Delay; dropping both keeps shoal's updater from reading 0 as "monitor for no time".
  const { Monitor, Delay, ...rest } = config;
  return {
    Parallelism: rest.Parallelism ?? 0,
    ...(Delay === undefined || Delay === 0 ? {} : { Delay }),
    FailureAction: rest.FailureAction || 'pause',
    ...(Monitor === undefined || Monitor === 0 ? {} : { Monitor }),
    MaxFailureRatio: rest.MaxFailureRatio ?? 0,
    Order: rest.Order || 'stop-first',
  };
}

function normalizeRestartPolicy(policy: RestartPolicy | undefined): RestartPolicy | undefined {
  if (policy === undefined) return undefined;
  return { ...policy, Condition: policy.Condition || 'any', MaxAttempts: policy.MaxAttempts ?? 0 };
}

function normalizePort(port: PortConfig): PortConfig {
  return { ...port, Protocol: port.Protocol || 'tcp', PublishMode: port.PublishMode || 'ingress' };
}

function normalizeEndpointSpec(endpoint: EndpointSpec | undefined): EndpointSpec | undefined {
  if (endpoint === undefined) return undefined;
  return {
    Mode: endpoint.Mode || 'vip',
    ...(endpoint.Ports === undefined ? {} : { Ports: endpoint.Ports.map(normalizePort) }),
  };
}

function normalizeContainerSpec(container: ContainerSpec): ContainerSpec {
  return { ...container, Isolation: container.Isolation || 'default' };
}

function normalizeTaskSpec(task: TaskSpec): TaskSpec {
  const runtime = task.Runtime || (task.PluginSpec === undefined ? 'container' : 'plugin');
  const restart = normalizeRestartPolicy(task.RestartPolicy);
  return {
    ...task,
    ...(task.ContainerSpec === undefined
      ? {}
      : { ContainerSpec: normalizeContainerSpec(task.ContainerSpec) }),
    ...(restart === undefined ? {} : { RestartPolicy: restart }),
    ForceUpdate: task.ForceUpdate ?? 0,
    Runtime: runtime,
  };
}

/**
 * A valid spec in the form Docker stores and returns it, the spec a `POST /services/create`
 * or `/update` body becomes: labels always present; the mode made explicit
 * ({@link normalizeServiceMode}); runtime `container` and `ForceUpdate` 0 when unset;
 * restart condition `any` and `MaxAttempts` 0 when a policy is given; update and rollback
 * configs with `pause` / `stop-first` and zero monitor and delay dropped; endpoint mode
 * `vip`, and ports `tcp` / `ingress` when unset. Fields left unset stay unset:
 * {@link withServiceDefaults} in defaults.ts shows Swarm's other defaults. Pure.
 */
export function normalizeServiceSpec(spec: ServiceSpec): ServiceSpec {
  const update = normalizeUpdateConfig(spec.UpdateConfig);
  const rollback = normalizeUpdateConfig(spec.RollbackConfig);
  const endpoint = normalizeEndpointSpec(spec.EndpointSpec);
  return {
    ...spec,
    Name: spec.Name ?? '',
    Labels: spec.Labels ?? {},
    TaskTemplate: normalizeTaskSpec(spec.TaskTemplate ?? {}),
    Mode: normalizeServiceMode(spec.Mode),
    ...(update === undefined ? {} : { UpdateConfig: update }),
    ...(rollback === undefined ? {} : { RollbackConfig: rollback }),
    ...(endpoint === undefined ? {} : { EndpointSpec: endpoint }),
  };
}
