import type { ContainerSpec } from '../../../api/objects/container-spec.ts';
import type { Node } from '../../../api/objects/node.ts';
import type { Service } from '../../../api/objects/service.ts';
import type { EndpointSpec } from '../../../api/objects/service-spec.ts';
import type { Task } from '../../../api/objects/task.ts';
import { compareTaskStates } from '../../../api/objects/task.ts';
import type { TaskSpec } from '../../../api/objects/task-spec.ts';
import { nodeMatchesConstraints } from '../node-fitness.ts';
import type { Slot } from '../service-updater.ts';
import { jsonEqual } from './json-equal.ts';

/**
 * Whether `task` was made from an older spec than `service`'s current one and must be
 * replaced by a rolling update (swarmkit's `IsTaskDirty`). Pure. A task is dirty when:
 *
 * - its `Spec` differs from `service.Spec.TaskTemplate` (so a bumped `ForceUpdate` counter
 *   makes every task dirty), except that
 *   - a difference in `Placement` alone is ignored while the task's `node` (undefined if
 *     unknown or unassigned) still satisfies the new constraints, and
 *   - `ContainerSpec.PullOptions` is ignored for a task desired at most `running` whose
 *     state is `ready`..`running` (its image is already there);
 * - or, when the task and service `SpecVersion`s are not known to be equal, the endpoint
 *   spec the task was made with (`task.Endpoint.Spec`, compared only when recorded: the
 *   allocator's `Endpoint` may carry none) differs from `service.Spec.EndpointSpec`,
 *   Swarm's defaults (`vip`, `tcp`, `ingress`) filled in on both sides.
 *
 * Unlike swarmkit, equal `SpecVersion`s do not short-cut the task spec comparison, so a
 * spec swapped without a new `SpecVersion` (a rollback) still redeploys.
 */
export function isTaskDirty(service: Service, task: Task, node: Node | undefined): boolean {
  const sameVersion =
    task.SpecVersion !== undefined &&
    service.SpecVersion !== undefined &&
    task.SpecVersion.Index === service.SpecVersion.Index;
  if (taskSpecDirty(service, task, node)) return true;
  if (sameVersion || task.Endpoint?.Spec === undefined) return false;
  return !jsonEqual(
    endpointWithDefaults(service.Spec.EndpointSpec),
    endpointWithDefaults(task.Endpoint.Spec),
  );
}

/**
 * Whether `slot` needs the updater: it holds more than one task (a replacement already
 * started beside its old task), or its one task is dirty ({@link isTaskDirty}). `nodeOf`
 * looks a task's node up. Pure given `nodeOf`.
 */
export function isSlotDirty(
  service: Service,
  slot: Slot,
  nodeOf: (task: Task) => Node | undefined,
): boolean {
  if (slot.length > 1) return true;
  const [task] = slot;
  return task !== undefined && isTaskDirty(service, task, nodeOf(task));
}

function taskSpecDirty(service: Service, task: Task, node: Node | undefined): boolean {
  let wanted: TaskSpec = service.Spec.TaskTemplate ?? {};
  if (ignoresPullOptions(task)) wanted = withPullOptionsOf(wanted, task.Spec);
  if (jsonEqual(wanted, task.Spec)) return false;
  const placementOnly = jsonEqual({ ...wanted, Placement: task.Spec.Placement }, task.Spec);
  if (!placementOnly || node === undefined) return true;
  return !nodeMatchesConstraints(node, wanted.Placement?.Constraints);
}

function ignoresPullOptions(task: Task): boolean {
  const state = task.Status.State;
  return (
    compareTaskStates(task.DesiredState, 'running') <= 0 &&
    compareTaskStates(state, 'ready') >= 0 &&
    compareTaskStates(state, 'running') <= 0
  );
}

/**
 * `spec` with the task's `ContainerSpec.PullOptions` in place of its own. shoal's API
 * types do not carry PullOptions (Docker's engine keeps registry auth out of the spec), so
 * the field is handled untyped, in case a spec carries one.
 */
type WithPullOptions = ContainerSpec & { readonly PullOptions?: unknown };

function withPullOptionsOf(spec: TaskSpec, taskSpec: TaskSpec): TaskSpec {
  if (spec.ContainerSpec === undefined || taskSpec.ContainerSpec === undefined) return spec;
  const theirs = (taskSpec.ContainerSpec as WithPullOptions).PullOptions;
  const container: WithPullOptions = { ...spec.ContainerSpec, PullOptions: theirs };
  return { ...spec, ContainerSpec: container };
}

function endpointWithDefaults(spec: EndpointSpec | undefined): EndpointSpec {
  return {
    Mode: spec?.Mode ?? 'vip',
    Ports: (spec?.Ports ?? []).map((port) => ({
      ...port,
      Protocol: port.Protocol ?? 'tcp',
      PublishMode: port.PublishMode ?? 'ingress',
    })),
  };
}
