import type { Driver, Labels, Nanoseconds } from './common.ts';

/** Mount types a service may use. */
export const MOUNT_TYPES = ['bind', 'volume', 'tmpfs', 'npipe', 'cluster'] as const;
/** A mount type, as Docker spells it. */
export type MountType = (typeof MOUNT_TYPES)[number];

/** A filesystem mount in a task's container. */
export interface Mount {
  readonly Type?: MountType;
  /** Volume name or host path; must be empty for tmpfs. */
  readonly Source?: string;
  /** Path in the container. */
  readonly Target?: string;
  readonly ReadOnly?: boolean;
  readonly Consistency?: string;
  readonly BindOptions?: {
    readonly Propagation?: string;
    readonly NonRecursive?: boolean;
    readonly CreateMountpoint?: boolean;
  };
  readonly VolumeOptions?: {
    readonly NoCopy?: boolean;
    readonly Labels?: Labels;
    readonly Subpath?: string;
    readonly DriverConfig?: Driver;
  };
  readonly TmpfsOptions?: {
    readonly SizeBytes?: number;
    /** File mode as a decimal number (0o755 is 493). */
    readonly Mode?: number;
  };
}

/** Docker's `HealthConfig`; durations are nanoseconds, 0 meaning "inherit from the image". */
export interface HealthConfig {
  /** `[]` inherit, `["NONE"]` disable, `["CMD", ...args]`, or `["CMD-SHELL", command]`. */
  readonly Test?: readonly string[];
  readonly Interval?: Nanoseconds;
  readonly Timeout?: Nanoseconds;
  readonly StartPeriod?: Nanoseconds;
  readonly StartInterval?: Nanoseconds;
  readonly Retries?: number;
}

/** Where a secret or config is written in the container, and with which owner and mode. */
export interface FileTarget {
  /** File name: relative to `/run/secrets/` for secrets, or an absolute path for configs. */
  readonly Name: string;
  readonly UID: string;
  readonly GID: string;
  /** File mode as a decimal number; 0o444 (292) by default. */
  readonly Mode: number;
}

/** A service's use of a secret: by ID, with the name for lookup and display. */
export interface SecretReference {
  readonly File?: FileTarget;
  readonly SecretID: string;
  readonly SecretName: string;
}

/** A service's use of a config: as a file, or at runtime (credential specs). */
export interface ConfigReference {
  readonly File?: FileTarget;
  readonly Runtime?: Readonly<Record<string, never>>;
  readonly ConfigID: string;
  readonly ConfigName: string;
}

/** Overrides for the container's `resolv.conf`. */
export interface DNSConfig {
  readonly Nameservers?: readonly string[];
  readonly Search?: readonly string[];
  readonly Options?: readonly string[];
}

/** Security options of the container. */
export interface Privileges {
  readonly CredentialSpec?: {
    readonly Config?: string;
    readonly File?: string;
    readonly Registry?: string;
  };
  readonly SELinuxContext?: {
    readonly Disable?: boolean;
    readonly User?: string;
    readonly Role?: string;
    readonly Type?: string;
    readonly Level?: string;
  };
  readonly NoNewPrivileges?: boolean;
}

/** A resource limit (`ulimit`) in the container. */
export interface Ulimit {
  readonly Name: string;
  readonly Soft: number;
  readonly Hard: number;
}

/** What to run in each task's container (Docker's `ContainerSpec`). */
export interface ContainerSpec {
  readonly Image?: string;
  readonly Labels?: Labels;
  /** Replaces the image's entrypoint. */
  readonly Command?: readonly string[];
  /** Arguments to the command. */
  readonly Args?: readonly string[];
  readonly Hostname?: string;
  /** `VAR=value` entries. */
  readonly Env?: readonly string[];
  readonly Dir?: string;
  readonly User?: string;
  readonly Groups?: readonly string[];
  readonly Privileges?: Privileges;
  readonly Init?: boolean;
  readonly StopSignal?: string;
  readonly TTY?: boolean;
  readonly OpenStdin?: boolean;
  readonly ReadOnly?: boolean;
  readonly Mounts?: readonly Mount[];
  /** Time to wait after the stop signal before killing; default 10 s (see defaults.ts). */
  readonly StopGracePeriod?: Nanoseconds;
  readonly Healthcheck?: HealthConfig;
  /** `IP hostname [aliases...]` lines for `/etc/hosts`. */
  readonly Hosts?: readonly string[];
  readonly DNSConfig?: DNSConfig;
  readonly Secrets?: readonly SecretReference[];
  readonly Configs?: readonly ConfigReference[];
  readonly Isolation?: string;
  readonly Sysctls?: Labels;
  readonly CapabilityAdd?: readonly string[];
  readonly CapabilityDrop?: readonly string[];
  readonly Ulimits?: readonly Ulimit[];
  readonly OomScoreAdj?: number;
}
