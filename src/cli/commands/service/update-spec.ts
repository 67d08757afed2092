import type { Mount } from '../../../api/objects/container-spec.ts';
import type { PortConfig, ServiceSpec } from '../../../api/objects/service-spec.ts';
import type { PlacementPreference } from '../../../api/objects/task-spec.ts';
import { CliError } from '../../cli-error.ts';
import { keyValues, resolveEnv } from './create-spec.ts';
import type { ServiceFlagValues } from './service-flags.ts';
import { applySharedFlags, shellWords } from './shared-spec-flags.ts';
import type { ChangedFlag } from './shared-spec-flags.ts';

/** The flags only `service update` has. */
export interface ServiceUpdateValues extends ServiceFlagValues {
  readonly image?: string;
  readonly args?: string;
  readonly force?: boolean;
  readonly rollback?: boolean;
  readonly envAdd?: string[];
  readonly envRm?: string[];
  readonly labelAdd?: string[];
  readonly labelRm?: string[];
  readonly containerLabelAdd?: string[];
  readonly containerLabelRm?: string[];
  readonly constraintAdd?: string[];
  readonly constraintRm?: string[];
  readonly placementPrefAdd?: string[];
  readonly placementPrefRm?: string[];
  readonly mountAdd?: Mount[];
  readonly mountRm?: string[];
  readonly publishAdd?: PortConfig[];
  readonly publishRm?: string[];
}

/**
 * The spec `service update` sends: the current `spec` with the user's flags applied as
 * docker's `updateService` does (removals before additions; env and labels by key;
 * `--force` bumps `TaskTemplate.ForceUpdate`). Pure apart from reading `env` for `-e NAME`.
 */
export function updateSpec(
  spec: ServiceSpec,
  values: ServiceUpdateValues,
  changed: ChangedFlag,
  env: Readonly<Record<string, string | undefined>>,
): ServiceSpec {
  const template = spec.TaskTemplate ?? {};
  const container = template.ContainerSpec ?? {};
  const envList = updateEnv(
    container.Env ?? [],
    values.envRm ?? [],
    (values.envAdd ?? []).map((e) => resolveEnv(e, env)),
  );
  const placement = template.Placement ?? {};
  const constraints = [
    ...(placement.Constraints ?? []).filter((c) => !(values.constraintRm ?? []).includes(c)),
    ...(values.constraintAdd ?? []),
  ];
  const preferences = [
    ...(placement.Preferences ?? []).filter(
      (p) =>
        !(values.placementPrefRm ?? []).some(
          (rm) => rm === `spread=${p.Spread?.SpreadDescriptor ?? ''}`,
        ),
    ),
    ...(values.placementPrefAdd ?? []).map(preference),
  ];
  const mounts = [
    ...(container.Mounts ?? []).filter((m) => !(values.mountRm ?? []).includes(m.Target ?? '')),
    ...(values.mountAdd ?? []),
  ];
  const ports = [
    ...(spec.EndpointSpec?.Ports ?? []).filter(
      (p) => !(values.publishRm ?? []).some((rm) => portMatches(p, rm)),
    ),
    ...(values.publishAdd ?? []),
  ];
  const next: ServiceSpec = {
    ...spec,
    Labels: updateLabels(spec.Labels, values.labelRm, values.labelAdd),
    TaskTemplate: {
      ...template,
      ContainerSpec: {
        ...container,
        ...(changed('image') ? { Image: values.image ?? '' } : {}),
        ...(changed('args') ? { Args: shellWords(values.args ?? '') } : {}),
        Labels: updateLabels(container.Labels, values.containerLabelRm, values.containerLabelAdd),
        ...(envList.length > 0 || container.Env !== undefined ? { Env: envList } : {}),
        ...(mounts.length > 0 || container.Mounts !== undefined ? { Mounts: mounts } : {}),
      },
      Placement: {
        ...placement,
        ...(constraints.length > 0 || placement.Constraints !== undefined
          ? { Constraints: constraints }
          : {}),
        ...(preferences.length > 0 || placement.Preferences !== undefined
          ? { Preferences: preferences }
          : {}),
      },
      ...(values.force === true ? { ForceUpdate: (template.ForceUpdate ?? 0) + 1 } : {}),
    },
    ...(ports.length > 0 || spec.EndpointSpec?.Ports !== undefined
      ? { EndpointSpec: { ...spec.EndpointSpec, Ports: ports } }
      : {}),
  };
  return applySharedFlags(next, values, changed);
}

function updateEnv(
  current: readonly string[],
  remove: readonly string[],
  add: readonly string[],
): string[] {
  const key = (e: string): string => (e.includes('=') ? e.slice(0, e.indexOf('=')) : e);
  const added = new Set(add.map(key));
  const removed = new Set(remove.map(key));
  return [...current.filter((e) => !removed.has(key(e)) && !added.has(key(e))), ...add];
}

function updateLabels(
  current: Readonly<Record<string, string>> | undefined,
  remove: readonly string[] | undefined,
  add: readonly string[] | undefined,
): Record<string, string> {
  const out: Record<string, string> = { ...current };
  for (const key of remove ?? []) delete out[key];
  return { ...out, ...keyValues(add) };
}

function preference(value: string): PlacementPreference {
  const at = value.indexOf('=');
  if (at < 0 || value.slice(0, at).toLowerCase() !== 'spread') {
    throw new CliError(`unsupported placement preference ${value} (only spread is supported)`);
  }
  return { Spread: { SpreadDescriptor: value.slice(at + 1) } };
}

/** `--publish-rm 80` or `8080:80/tcp` matches by target port (and protocol when given). */
function portMatches(port: PortConfig, rm: string): boolean {
  const [spec = '', proto] = rm.split('/');
  const target = Number(spec.split(':').pop());
  return port.TargetPort === target && (proto === undefined || (port.Protocol ?? 'tcp') === proto);
}
