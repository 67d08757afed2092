import type { HostFacts } from '../host-facts.ts';
import type { ServerIdentity } from '../server-identity.ts';
import type { SwarmInfo } from '../swarm-info.ts';

/** A commit of a bundled component (`ContainerdCommit`...); `Expected` equals `ID` when they agree. */
export interface CommitInfo {
  readonly ID: string;
  readonly Expected: string;
}

/**
 * `GET /info` in the Engine's v1.41 JSON shape, the fields `docker info` reads. shoal does
 * not run containers itself: the container, image, storage, runtime and cgroup fields keep
 * the placeholder values of {@link buildSystemInfo} until the executors report through
 * `SystemRouteOptions.engine`.
 */
export interface SystemInfo {
  readonly ID: string;
  readonly Containers: number;
  readonly ContainersRunning: number;
  readonly ContainersPaused: number;
  readonly ContainersStopped: number;
  readonly Images: number;
  readonly Driver: string;
  readonly DriverStatus: readonly (readonly [string, string])[];
  readonly Plugins: {
    readonly Volume: readonly string[];
    readonly Network: readonly string[];
    readonly Authorization: readonly string[] | null;
    readonly Log: readonly string[];
  };
  readonly MemoryLimit: boolean;
  readonly SwapLimit: boolean;
  readonly KernelMemory: boolean;
  readonly KernelMemoryTCP: boolean;
  readonly CpuCfsPeriod: boolean;
  readonly CpuCfsQuota: boolean;
  readonly CPUShares: boolean;
  readonly CPUSet: boolean;
  readonly PidsLimit: boolean;
  readonly IPv4Forwarding: boolean;
  readonly BridgeNfIptables: boolean;
  readonly BridgeNfIp6tables: boolean;
  readonly Debug: boolean;
  readonly NFd: number;
  readonly OomKillDisable: boolean;
  readonly NGoroutines: number;
  readonly SystemTime: string;
  readonly LoggingDriver: string;
  readonly CgroupDriver: string;
  readonly NEventsListener: number;
  readonly KernelVersion: string;
  readonly OperatingSystem: string;
  readonly OSVersion: string;
  readonly OSType: string;
  readonly Architecture: string;
  readonly IndexServerAddress: string;
  readonly RegistryConfig: Readonly<Record<string, unknown>> | null;
  readonly NCPU: number;
  readonly MemTotal: number;
  readonly GenericResources: readonly unknown[] | null;
  readonly DockerRootDir: string;
  readonly HttpProxy: string;
  readonly HttpsProxy: string;
  readonly NoProxy: string;
  readonly Name: string;
  readonly Labels: readonly string[];
  readonly ExperimentalBuild: boolean;
  readonly ServerVersion: string;
  readonly Runtimes: Readonly<Record<string, unknown>>;
  readonly DefaultRuntime: string;
  readonly Swarm: SwarmInfo;
  readonly LiveRestoreEnabled: boolean;
  readonly Isolation: string;
  readonly InitBinary: string;
  readonly ContainerdCommit: CommitInfo;
  readonly RuncCommit: CommitInfo;
  readonly InitCommit: CommitInfo;
  readonly SecurityOptions: readonly string[];
  readonly Warnings: readonly string[];
}

/** The fields the daemon and executors know better than the defaults (ID, data dir, counts...). */
export type EngineInfo = Partial<Omit<SystemInfo, 'Swarm' | 'ServerVersion' | 'Name'>>;

/** What {@link buildSystemInfo} assembles. */
export interface SystemInfoParts {
  readonly identity: ServerIdentity;
  readonly host: HostFacts;
  readonly swarm: SwarmInfo;
  readonly engine: EngineInfo;
  /** Milliseconds since the epoch, for `SystemTime`. */
  readonly now: number;
}

const noCommit: CommitInfo = { ID: '', Expected: '' };

/**
 * Assembles `/info`. Host fields (Name = hostname, kernel, OS, CPUs, memory, forwarding
 * sysctls, open files) are real; `ServerVersion` is shoal's. Placeholders until the executor
 * exists: zero containers and images, empty Driver, LoggingDriver, CgroupDriver, Runtimes and
 * plugin lists, false cgroup capabilities, `NGoroutines` 0 (Node has no goroutines) and
 * `NEventsListener` 0. `engine` overrides any of them; the swarm section's warnings are added
 * to `Warnings` as the Engine does.
 */
export function buildSystemInfo(parts: SystemInfoParts): SystemInfo {
  const { identity, host, swarm, engine } = parts;
  const base: SystemInfo = {
    ID: '',
    Containers: 0,
    ContainersRunning: 0,
    ContainersPaused: 0,
    ContainersStopped: 0,
    Images: 0,
    Driver: '',
    DriverStatus: [],
    Plugins: { Volume: [], Network: [], Authorization: null, Log: [] },
    MemoryLimit: false,
    SwapLimit: false,
    KernelMemory: false,
    KernelMemoryTCP: false,
    CpuCfsPeriod: false,
    CpuCfsQuota: false,
    CPUShares: false,
    CPUSet: false,
    PidsLimit: false,
    IPv4Forwarding: host.ipv4Forwarding,
    BridgeNfIptables: host.bridgeNfIptables,
    BridgeNfIp6tables: host.bridgeNfIp6tables,
    Debug: false,
    NFd: host.openFiles,
    OomKillDisable: false,
    NGoroutines: 0,
    SystemTime: new Date(parts.now).toISOString(),
    LoggingDriver: '',
    CgroupDriver: '',
    NEventsListener: 0,
    KernelVersion: host.kernelVersion,
    OperatingSystem: host.operatingSystem,
    OSVersion: host.osVersion,
    OSType: host.osType,
    Architecture: host.machine,
    IndexServerAddress: 'https://index.docker.io/v1/',
    RegistryConfig: {
      AllowNondistributableArtifactsCIDRs: null,
      AllowNondistributableArtifactsHostnames: null,
      InsecureRegistryCIDRs: [],
      IndexConfigs: {},
      Mirrors: [],
    },
    NCPU: host.cpus,
    MemTotal: host.memoryBytes,
    GenericResources: null,
    DockerRootDir: '',
    HttpProxy: '',
    HttpsProxy: '',
    NoProxy: '',
    Name: host.hostname,
    Labels: [],
    ExperimentalBuild: identity.experimental ?? false,
    ServerVersion: identity.version,
    Runtimes: {},
    DefaultRuntime: '',
    Swarm: swarm,
    LiveRestoreEnabled: false,
    Isolation: '',
    InitBinary: '',
    ContainerdCommit: noCommit,
    RuncCommit: noCommit,
    InitCommit: noCommit,
    SecurityOptions: [],
    Warnings: [],
  };
  const warnings = [...(engine.Warnings ?? []), ...(swarm.Warnings ?? [])];
  return { ...base, ...engine, Warnings: warnings };
}
