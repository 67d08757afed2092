import { constants } from 'node:os';
import { isAbsolute, normalize, relative, resolve, sep } from 'node:path';
import type { HealthConfig } from '../../../api/objects/container-spec.ts';
import type { Task } from '../../../api/objects/task.ts';
import { taskName } from '../../../api/objects/task.ts';
import type { RunAs, UserDatabase } from './user-lookup.ts';
import { resolveUser } from './user-lookup.ts';

/** Docker's healthcheck defaults: 30 s interval, 30 s timeout, 3 retries, no start period. */
export const HEALTH_DEFAULTS = {
  intervalMs: 30_000,
  timeoutMs: 30_000,
  retries: 3,
  startPeriodMs: 0,
} as const;

/** Docker's default stop grace period (10 s). */
export const DEFAULT_STOP_GRACE_MS = 10_000;

/** The PATH a task gets when its spec sets none (the one Docker gives containers). */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** How the healthcheck runner probes a task, with Docker's defaults filled in. */
export interface HealthSettings {
  /** The probe's argv (`CMD-SHELL x` becomes `/bin/sh -c x`). */
  readonly argv: readonly string[];
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly startPeriodMs: number;
}

/**
 * Everything needed to start (and restart the supervision of) one task's process, derived
 * once at `prepare` and stored as `task.json`, so a later daemon run needs no task object.
 */
export interface TaskPlan {
  readonly taskId: string;
  readonly name: string;
  /** For display only; the process executor runs host binaries. */
  readonly image: string;
  readonly argv: readonly string[];
  /** `KEY=value` entries: a minimal base (PATH, HOSTNAME, HOME) under the spec's Env. */
  readonly env: readonly string[];
  readonly sandbox: string;
  readonly cwd: string;
  readonly runAs?: RunAs;
  /** Signal name, e.g. `SIGTERM`. */
  readonly stopSignal: NodeJS.Signals;
  readonly stopGraceMs: number;
  readonly health?: HealthSettings;
}

/** Host facts a plan depends on; tests pass fixed ones. */
export interface PlanContext {
  readonly sandbox: string;
  readonly hostname: string;
  /** Whether the daemon runs as root (only then is `User` applied). */
  readonly isRoot: boolean;
  readonly userDb?: UserDatabase;
}

const NS_PER_MS = 1_000_000;

/** `SIGTERM`, `TERM`, `15` → `SIGTERM`; `undefined` for a name the host does not know. */
export function parseSignal(value: string): NodeJS.Signals | undefined {
  const signals = constants.signals as Record<string, number>;
  if (/^\d+$/.test(value)) {
    const found = Object.entries(signals).find(([, number]) => number === Number(value));
    return found?.[0] as NodeJS.Signals | undefined;
  }
  const name = value.toUpperCase().startsWith('SIG')
    ? value.toUpperCase()
    : `SIG${value.toUpperCase()}`;
  return Object.hasOwn(signals, name) ? (name as NodeJS.Signals) : undefined;
}

/** The probe settings of a healthcheck, or `undefined` when it has none (or `NONE`). */
export function healthSettings(config: HealthConfig | undefined): HealthSettings | undefined {
  const test = config?.Test ?? [];
  const [kind, ...rest] = test;
  let argv: readonly string[];
  if (kind === 'CMD' && rest.length > 0) argv = rest;
  else if (kind === 'CMD-SHELL' && rest.length > 0) argv = ['/bin/sh', '-c', rest.join(' ')];
  else return undefined;
  const ms = (ns: number | undefined, fallback: number): number =>
    ns === undefined || ns <= 0 ? fallback : Math.max(1, Math.round(ns / NS_PER_MS));
  return {
    argv,
    intervalMs: ms(config?.Interval, HEALTH_DEFAULTS.intervalMs),
    timeoutMs: ms(config?.Timeout, HEALTH_DEFAULTS.timeoutMs),
    retries:
      config?.Retries !== undefined && config.Retries > 0
        ? config.Retries
        : HEALTH_DEFAULTS.retries,
    startPeriodMs: ms(config?.StartPeriod, HEALTH_DEFAULTS.startPeriodMs),
  };
}

/**
 * The working directory for `Dir` inside the sandbox: the sandbox plays the container's root,
 * so `/app` and `app` both mean `<sandbox>/app`; a path that climbs out of it is an error.
 */
export function sandboxPath(sandbox: string, dir: string | undefined): string | undefined {
  if (dir === undefined || dir === '') return sandbox;
  // An absolute Dir cannot climb above its root, as in a container; a relative one may try.
  const full = isAbsolute(dir) ? resolve(sandbox, `.${normalize(dir)}`) : resolve(sandbox, dir);
  const rel = relative(sandbox, full);
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return undefined;
  return full;
}

/**
 * Derives a task's plan, or returns the reason it cannot run here (in words for
 * `service ps`). Pure apart from reading the passwd and group files for `User`.
 */
export function planTask(task: Task, context: PlanContext): TaskPlan | string {
  const spec = task.Spec.ContainerSpec;
  const argv = [...(spec?.Command ?? []), ...(spec?.Args ?? [])];
  if (argv.length === 0) {
    return 'no command to run: the process executor runs the service command and args (the image is not used)';
  }
  const cwd = sandboxPath(context.sandbox, spec?.Dir);
  if (cwd === undefined) return `working directory ${spec?.Dir ?? ''} escapes the task sandbox`;
  const stopSignal = parseSignal(spec?.StopSignal ?? 'SIGTERM');
  if (stopSignal === undefined) return `invalid stop signal: ${spec?.StopSignal ?? ''}`;
  let runAs: RunAs | undefined;
  if (context.isRoot && spec?.User !== undefined && spec.User !== '') {
    const resolved = resolveUser(spec.User, context.userDb);
    if (typeof resolved === 'string') return resolved;
    runAs = resolved;
  }
  const grace = spec?.StopGracePeriod;
  const health = healthSettings(spec?.Healthcheck);
  return {
    taskId: task.id,
    name: taskName(task),
    image: spec?.Image ?? '',
    argv,
    env: [
      `PATH=${DEFAULT_PATH}`,
      `HOSTNAME=${spec?.Hostname || context.hostname}`,
      `HOME=${context.sandbox}`,
      ...(spec?.Env ?? []).filter((entry) => entry.includes('=')),
    ],
    sandbox: context.sandbox,
    cwd,
    ...(runAs === undefined ? {} : { runAs }),
    stopSignal,
    stopGraceMs: grace === undefined ? DEFAULT_STOP_GRACE_MS : Math.round(grace / NS_PER_MS),
    ...(health === undefined ? {} : { health }),
  };
}

/** The environment of a plan as an object: later entries win, as in Docker. */
export function envObject(env: readonly string[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const entry of env) {
    const at = entry.indexOf('=');
    result[entry.slice(0, at)] = entry.slice(at + 1);
  }
  return result;
}
