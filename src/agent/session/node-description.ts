import os from 'node:os';
import type { Labels } from '../../api/objects/common.ts';
import type { NodeDescription } from '../../api/objects/node.ts';
import type { ExecutorDescription } from '../exec/executor.ts';

/** The runtime that runs a node's tasks; published as the engine label `executor`. */
export type ExecutorKind = 'process' | 'docker';

/** The engine label key naming the node's executor (placement constraints match on it). */
export const EXECUTOR_LABEL = 'executor';

/** What a node reports about itself, before it is shaped as a {@link NodeDescription}. */
export interface NodeFacts {
  readonly hostname: string;
  /** Docker's names: `x86_64`, `aarch64`... */
  readonly architecture: string;
  /** `linux`, `darwin`... */
  readonly os: string;
  readonly cpus: number;
  readonly memoryBytes: number;
  readonly engineVersion: string;
  readonly executor: ExecutorKind;
  /** Extra engine labels; `executor` is always set from {@link executor} and wins. */
  readonly labels?: Labels;
}

/**
 * The node description an agent sends with its first heartbeat: hostname, platform, CPUs in
 * nano-CPUs, memory, and the engine's version and labels, `executor=<kind>` among them. Pure.
 */
export function describeNode(facts: NodeFacts): NodeDescription {
  return {
    Hostname: facts.hostname,
    Platform: { Architecture: facts.architecture, OS: facts.os },
    Resources: { NanoCPUs: facts.cpus * 1e9, MemoryBytes: facts.memoryBytes },
    Engine: {
      EngineVersion: facts.engineVersion,
      Labels: { ...facts.labels, [EXECUTOR_LABEL]: facts.executor },
    },
  };
}

/**
 * The node description from the executor's own facts (`Executor.describe()`): its resources,
 * platform, engine version and engine labels, `executor=<kind>` always among them (the
 * executor's `kind` wins over a label of that name), under the node's `hostname`. Pure.
 */
export function describeExecutorNode(
  hostname: string,
  kind: ExecutorKind,
  executor: ExecutorDescription,
): NodeDescription {
  return {
    Hostname: hostname,
    Platform: { Architecture: executor.platform.Architecture, OS: executor.platform.OS },
    Resources: {
      NanoCPUs: executor.resources.NanoCPUs,
      MemoryBytes: executor.resources.MemoryBytes,
    },
    Engine: {
      EngineVersion: executor.engineVersion,
      Labels: { ...executor.engineLabels, [EXECUTOR_LABEL]: kind },
    },
  };
}

const dockerArchitectures: Readonly<Record<string, string>> = {
  x64: 'x86_64',
  arm64: 'aarch64',
  arm: 'armv7l',
  ia32: 'i386',
};

/** The facts of the machine this process runs on, from `node:os`, for `executor`. */
export function localNodeFacts(
  executor: ExecutorKind,
  engineVersion: string,
  labels?: Labels,
): NodeFacts {
  return {
    hostname: os.hostname(),
    architecture: dockerArchitectures[os.arch()] ?? os.arch(),
    os: os.platform(),
    cpus: os.availableParallelism(),
    memoryBytes: os.totalmem(),
    engineVersion,
    executor,
    ...(labels === undefined ? {} : { labels }),
  };
}
