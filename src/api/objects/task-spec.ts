import type { Driver, Labels, Nanoseconds, Platform, Resources } from './common.ts';
import type { ContainerSpec } from './container-spec.ts';

/** Resource caps of a task. */
export interface Limit {
  readonly NanoCPUs?: number;
  readonly MemoryBytes?: number;
  /** Most processes in the container; 0 is unlimited. */
  readonly Pids?: number;
}

/** What a task may use (limits) and what the scheduler must find free (reservations). */
export interface ResourceRequirements {
  readonly Limits?: Limit;
  readonly Reservations?: Resources;
}

/** Restart conditions, as Docker spells them. */
export const RESTART_CONDITIONS = ['none', 'on-failure', 'any'] as const;
/** When a task that stopped is replaced. */
export type RestartCondition = (typeof RESTART_CONDITIONS)[number];

/** How tasks that stop are replaced; defaults in defaults.ts. */
export interface RestartPolicy {
  readonly Condition?: RestartCondition;
  /** Wait between a task stopping and its replacement starting. */
  readonly Delay?: Nanoseconds;
  /** Most restarts (within `Window`, if set); 0 is unlimited. */
  readonly MaxAttempts?: number;
  /** Window in which restarts are counted; 0 is unbounded. */
  readonly Window?: Nanoseconds;
}

/** A spread preference: balance tasks over the values of a node or engine label. */
export interface PlacementPreference {
  readonly Spread?: { readonly SpreadDescriptor: string };
}

/** Where tasks may run. */
export interface Placement {
  /** `key==value` / `key!=value` expressions, all of which must hold (validate/constraints.ts). */
  readonly Constraints?: readonly string[];
  readonly Preferences?: readonly PlacementPreference[];
  /** Most tasks of the service per node; 0 is unlimited. */
  readonly MaxReplicas?: number;
  /** Platforms the image runs on. */
  readonly Platforms?: readonly Platform[];
}

/** A task's attachment to a network, by network ID or name. */
export interface NetworkAttachmentConfig {
  readonly Target: string;
  readonly Aliases?: readonly string[];
  readonly DriverOpts?: Labels;
}

/** Runtime kinds: a container, a plugin, or a network attachment of a plain container. */
export const TASK_RUNTIMES = ['container', 'plugin', 'attachment'] as const;
/** The kind of thing a task runs. */
export type TaskRuntime = (typeof TASK_RUNTIMES)[number];

/** What each task of a service runs and how (Docker's `TaskSpec`). */
export interface TaskSpec {
  readonly ContainerSpec?: ContainerSpec;
  /** Plugin runtime (Docker's experimental `PluginSpec`); kept opaque. */
  readonly PluginSpec?: Readonly<Record<string, unknown>>;
  /** For `Runtime: "attachment"` tasks: the container the attachment is for. */
  readonly NetworkAttachmentSpec?: { readonly ContainerID: string };
  readonly Resources?: ResourceRequirements;
  readonly RestartPolicy?: RestartPolicy;
  readonly Placement?: Placement;
  readonly Networks?: readonly NetworkAttachmentConfig[];
  readonly LogDriver?: Driver;
  /** A counter: changing it redeploys every task even when nothing else changed. */
  readonly ForceUpdate?: number;
  readonly Runtime?: TaskRuntime;
}
