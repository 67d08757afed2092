import type { Mount } from '../../../api/objects/container-spec.ts';
import type { Task } from '../../../api/objects/task.ts';
import { taskName } from '../../../api/objects/task.ts';

/** Label keys Swarm puts on every task container; they win over the user's labels. */
export const SWARM_LABELS = {
  taskId: 'com.docker.swarm.task.id',
  taskName: 'com.docker.swarm.task.name',
  nodeId: 'com.docker.swarm.node.id',
  serviceId: 'com.docker.swarm.service.id',
  serviceName: 'com.docker.swarm.service.name',
} as const;

/** The body of `POST /containers/create` (the subset shoal sets). */
export interface ContainerCreateBody {
  readonly Image: string;
  readonly Entrypoint?: readonly string[];
  readonly Cmd?: readonly string[];
  readonly Env: readonly string[];
  readonly Labels: Readonly<Record<string, string>>;
  readonly Hostname?: string;
  readonly User?: string;
  readonly WorkingDir?: string;
  readonly StopSignal?: string;
  /** Seconds, as the engine takes it. */
  readonly StopTimeout?: number;
  readonly Healthcheck?: unknown;
  readonly Tty?: boolean;
  readonly OpenStdin?: boolean;
  readonly HostConfig: Readonly<Record<string, unknown>>;
}

/**
 * `<service>.<slot>.<task id>`, or `<service>.<node id>.<task id>` for global tasks: the
 * container name Swarm gives a task (and {@link taskName} gives it in the API).
 */
export function containerName(task: Task): string {
  return taskName(task);
}

function engineMount(mount: Mount): Record<string, unknown> {
  const out: Record<string, unknown> = { Type: mount.Type ?? 'volume', Target: mount.Target };
  if (mount.Source !== undefined && mount.Source !== '') out.Source = mount.Source;
  if (mount.ReadOnly === true) out.ReadOnly = true;
  if (mount.BindOptions !== undefined) out.BindOptions = mount.BindOptions;
  if (mount.VolumeOptions !== undefined) out.VolumeOptions = mount.VolumeOptions;
  if (mount.TmpfsOptions !== undefined) out.TmpfsOptions = mount.TmpfsOptions;
  return out;
}

/** `IP host [aliases]` (Swarm's `Hosts`) → Docker's `host:IP` ExtraHosts entries. */
function extraHosts(hosts: readonly string[]): string[] {
  return hosts.flatMap((line) => {
    const [ip, ...names] = line.trim().split(/\s+/);
    return ip === undefined ? [] : names.map((name) => `${name}:${ip}`);
  });
}

function definedEntries(entries: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined));
}

/**
 * The container a task runs in, as Swarm's container executor builds it: `Command` is the
 * entrypoint and `Args` the command (the CLI puts `service create IMAGE CMD ARGS` in Args),
 * Swarm's labels over the user's container labels, stop signal and grace (StopTimeout, in
 * whole seconds, rounded up), healthcheck as given, mounts, and resource *limits* (the
 * reservations only matter to the scheduler). No restart policy: Swarm replaces tasks. Pure.
 */
export function containerConfig(task: Task): ContainerCreateBody {
  const spec = task.Spec.ContainerSpec ?? {};
  const limits = task.Spec.Resources?.Limits;
  const labels = {
    ...spec.Labels,
    [SWARM_LABELS.taskId]: task.id,
    [SWARM_LABELS.taskName]: containerName(task),
    [SWARM_LABELS.nodeId]: task.NodeID ?? '',
    [SWARM_LABELS.serviceId]: task.ServiceID,
    [SWARM_LABELS.serviceName]: task.ServiceAnnotations?.Name ?? '',
  };
  const hostConfig = definedEntries({
    Init: spec.Init,
    Mounts: spec.Mounts?.map(engineMount),
    NanoCpus: limits?.NanoCPUs,
    Memory: limits?.MemoryBytes,
    PidsLimit: limits?.Pids !== undefined && limits.Pids > 0 ? limits.Pids : undefined,
    ReadonlyRootfs: spec.ReadOnly,
    GroupAdd: spec.Groups,
    CapAdd: spec.CapabilityAdd,
    CapDrop: spec.CapabilityDrop,
    Sysctls: spec.Sysctls,
    Ulimits: spec.Ulimits,
    OomScoreAdj: spec.OomScoreAdj,
    ExtraHosts: spec.Hosts === undefined ? undefined : extraHosts(spec.Hosts),
    Dns: spec.DNSConfig?.Nameservers,
    DnsSearch: spec.DNSConfig?.Search,
    DnsOptions: spec.DNSConfig?.Options,
  });
  return definedEntries({
    Image: spec.Image ?? '',
    Entrypoint: spec.Command !== undefined && spec.Command.length > 0 ? spec.Command : undefined,
    Cmd: spec.Args !== undefined && spec.Args.length > 0 ? spec.Args : undefined,
    Env: spec.Env ?? [],
    Labels: labels,
    Hostname: spec.Hostname || undefined,
    User: spec.User || undefined,
    WorkingDir: spec.Dir || undefined,
    StopSignal: spec.StopSignal || undefined,
    StopTimeout:
      spec.StopGracePeriod === undefined ? undefined : Math.ceil(spec.StopGracePeriod / 1e9),
    Healthcheck: spec.Healthcheck,
    Tty: spec.TTY,
    OpenStdin: spec.OpenStdin,
    HostConfig: hostConfig,
  }) as unknown as ContainerCreateBody;
}

/** `busybox` → `{ fromImage: 'busybox', tag: 'latest' }`; digests and tags are kept. */
export function imagePullQuery(ref: string): { fromImage: string; tag?: string } {
  if (ref.includes('@')) return { fromImage: ref };
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon > slash) return { fromImage: ref.slice(0, colon), tag: ref.slice(colon + 1) };
  return { fromImage: ref, tag: 'latest' };
}

/** The reference as Docker names it in messages: `busybox` → `busybox:latest`. */
export function displayImage(ref: string): string {
  const query = imagePullQuery(ref);
  return query.tag === undefined ? query.fromImage : `${query.fromImage}:${query.tag}`;
}
