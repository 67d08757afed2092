import { main } from '../../src/cli/main.ts';
import { processIO } from '../../src/cli/cli-io.ts';
import type { ApiClient } from '../support/api-client.ts';
import type { ClusterNode, TestCluster } from './harness.ts';

/** What one in-process run of the shoal CLI printed and returned. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the shoal CLI in this process (no tsx start-up per call) against `node`'s API socket,
 * with an empty environment and the system clock; resolves with its exit code and output.
 */
export async function shoal(node: ClusterNode, ...argv: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io = {
    ...processIO(),
    env: {},
    stdout: { write: (text: string) => void (stdout += text) },
    stderr: { write: (text: string) => void (stderr += text) },
  };
  const code = await main(['-H', `unix://${node.process.api.socketPath}`, ...argv], io);
  return { code, stdout, stderr };
}

/** Like {@link shoal}, but rejects, with its output, unless the command exits 0. */
export async function shoalOk(node: ClusterNode, ...argv: string[]): Promise<string> {
  const run = await shoal(node, ...argv);
  if (run.code !== 0) {
    throw new Error(`shoal ${argv.join(' ')} → ${run.code}\n${run.stdout}${run.stderr}`);
  }
  return run.stdout;
}

/**
 * {@link shoalOk} with the command written as one line: `line` is split on spaces (so it
 * holds no quoted words), then `rest` is appended as is (e.g. `'sh', '-c', 'exit 1'`).
 */
export function sh(node: ClusterNode, line: string, ...rest: string[]): Promise<string> {
  return shoalOk(node, ...line.split(/ +/).filter((w) => w !== ''), ...rest);
}

/** The parts of an Engine API `Task` the service tests read. */
export interface TaskJson {
  readonly ID: string;
  readonly CreatedAt?: string;
  readonly Slot?: number;
  readonly NodeID?: string;
  readonly DesiredState: string;
  readonly Spec: { readonly ContainerSpec?: { readonly Args?: readonly string[] } };
  readonly Status: {
    readonly State: string;
    readonly Timestamp?: string;
    readonly Message?: string;
    readonly Err?: string;
    readonly ContainerStatus?: { readonly ExitCode?: number };
  };
}

/** The parts of an Engine API `Service` the service tests read. */
export interface ServiceJson {
  readonly ID: string;
  readonly Version: { readonly Index: number };
  readonly Spec: Record<string, unknown> & {
    readonly TaskTemplate: { readonly ContainerSpec?: { readonly Args?: readonly string[] } };
  };
  readonly PreviousSpec?: Record<string, unknown>;
  readonly UpdateStatus?: { readonly State: string; readonly Message?: string };
}

/** Every task of service `name` (`GET /tasks` filtered by service). */
export async function tasksOf(api: ApiClient, name: string): Promise<TaskJson[]> {
  const filters = encodeURIComponent(JSON.stringify({ service: [name] }));
  const body = await api.ok('GET', `/tasks?filters=${filters}`);
  if (!Array.isArray(body)) throw new Error(`GET /tasks returned ${JSON.stringify(body)}`);
  return body as TaskJson[];
}

/** `GET /services/{name}`. */
export async function inspectService(api: ApiClient, name: string): Promise<ServiceJson> {
  return (await api.ok('GET', `/services/${name}`)) as ServiceJson;
}

/** The tasks of `tasks` that run (observed `running`) and should (desired `running`). */
export function runningTasks(tasks: readonly TaskJson[]): TaskJson[] {
  return tasks.filter((t) => t.Status.State === 'running' && t.DesiredState === 'running');
}

/** One line per task (`slot id node desired state "err"`), for failure messages. */
export function describeTasks(tasks: readonly TaskJson[]): string {
  return tasks
    .map((t) => {
      const err = t.Status.Err === undefined ? '' : ` "${t.Status.Err}"`;
      const args = (t.Spec.ContainerSpec?.Args ?? []).join(' ');
      const at = `${t.CreatedAt ?? ''} ${t.Status.Timestamp ?? ''}`;
      return `${t.Slot ?? '-'} ${t.ID} ${t.NodeID ?? '-'} ${t.DesiredState} ${t.Status.State}${err} [${args}] ${at}`;
    })
    .join('\n');
}

/** How many of `tasks` are observed `running`, by slot (whatever their desired state). */
export function runningPerSlot(tasks: readonly TaskJson[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const t of tasks) {
    if (t.Status.State !== 'running') continue;
    counts.set(t.Slot ?? 0, (counts.get(t.Slot ?? 0) ?? 0) + 1);
  }
  return counts;
}

/**
 * Waits until `check` holds for the tasks of service `name` read through `api()` (called at
 * each poll, so it may follow a new leader), and resolves with them; on timeout the error
 * lists the tasks last seen.
 */
export function waitForTasks(
  cluster: TestCluster,
  api: () => ApiClient,
  name: string,
  description: string,
  check: (tasks: TaskJson[]) => boolean,
  timeoutMs: number,
): Promise<TaskJson[]> {
  let last: TaskJson[] = [];
  return cluster
    .waitFor(
      `${name}: ${description}`,
      async () => {
        last = await tasksOf(api(), name);
        return check(last) && last;
      },
      { timeoutMs, intervalMs: 200 },
    )
    .catch((err: unknown) => {
      throw new Error(`${String(err)}\ntasks:\n${describeTasks(last)}`, { cause: err });
    });
}
