import { readFileSync } from 'node:fs';
import type { ServiceMode, ServiceSpec } from '../../../api/objects/service-spec.ts';
import type { PlacementPreference } from '../../../api/objects/task-spec.ts';
import { CliError } from '../../cli-error.ts';
import type { ServiceCreateValues } from './service-flags.ts';
import { applySharedFlags } from './shared-spec-flags.ts';
import type { ChangedFlag } from './shared-spec-flags.ts';

/**
 * The spec `service create IMAGE [COMMAND] [ARG...]` sends, built from its flags as docker's
 * `serviceOptions.ToService` does: `COMMAND ARG...` become the container's `Args`, lists
 * become labels, env, constraints, mounts and ports, and every scalar flag the user gave is
 * applied by {@link applySharedFlags}. `env` resolves `-e NAME` without a value.
 */
export function createSpec(
  image: string,
  args: readonly string[],
  values: ServiceCreateValues,
  changed: ChangedFlag,
  env: Readonly<Record<string, string | undefined>>,
): ServiceSpec {
  const environment = [
    ...(values.envFile ?? []).flatMap(readEnvFile),
    ...(values.env ?? []).map((e) => resolveEnv(e, env)),
  ];
  const base: ServiceSpec = {
    Name: values.name ?? '',
    Labels: keyValues(values.label),
    TaskTemplate: {
      ContainerSpec: {
        Image: image,
        Labels: keyValues(values.containerLabel),
        ...(args.length > 0 ? { Args: [...args] } : {}),
        ...(environment.length > 0 ? { Env: environment } : {}),
        ...(values.mount === undefined ? {} : { Mounts: values.mount }),
        ...(values.host === undefined ? {} : { Hosts: values.host.map(hostEntry) }),
      },
      Placement: {
        ...(values.constraint === undefined ? {} : { Constraints: values.constraint }),
        ...(values.placementPref === undefined
          ? {}
          : { Preferences: values.placementPref.map(placementPreference) }),
      },
    },
    Mode: createMode(values.mode ?? 'replicated'),
    EndpointSpec: values.publish === undefined ? {} : { Ports: values.publish },
  };
  return applySharedFlags(base, values, changed);
}

function createMode(mode: string): ServiceMode {
  switch (mode) {
    case 'replicated':
      return { Replicated: {} };
    case 'global':
      return { Global: {} };
    case 'replicated-job':
      return { ReplicatedJob: {} };
    case 'global-job':
      return { GlobalJob: {} };
    default:
      throw new CliError(`invalid service mode: ${mode}`);
  }
}

/** `k=v` / `k` values as a labels map (a bare key has an empty value). */
export function keyValues(list: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list ?? []) {
    const at = item.indexOf('=');
    if (at < 0) out[item] = '';
    else out[item.slice(0, at)] = item.slice(at + 1);
  }
  return out;
}

/** `-e NAME` takes NAME's value from the caller's environment when it has one. */
export function resolveEnv(
  entry: string,
  env: Readonly<Record<string, string | undefined>>,
): string {
  if (entry.includes('=')) return entry;
  const value = env[entry];
  return value === undefined ? entry : `${entry}=${value}`;
}

function readEnvFile(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new CliError(
      `open ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`,
    );
  }
  return text
    .split('\n')
    .map((line) => line.trimStart())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => (line.includes('=') ? line : resolveEnv(line, process.env)));
}

function placementPreference(value: string): PlacementPreference {
  const at = value.indexOf('=');
  const strategy = at < 0 ? value : value.slice(0, at);
  if (at < 0) throw new CliError(`invalid placement preference '${value}': must be strategy=value`);
  if (strategy.toLowerCase() !== 'spread') {
    throw new CliError(`unsupported placement preference ${strategy} (only spread is supported)`);
  }
  return { Spread: { SpreadDescriptor: value.slice(at + 1) } };
}

/** docker turns `host:ip` into the `ip host` line of /etc/hosts. */
function hostEntry(value: string): string {
  const at = value.indexOf(':');
  if (at < 0) throw new CliError(`bad format for add-host: "${value}"`);
  return `${value.slice(at + 1)} ${value.slice(0, at)}`;
}
