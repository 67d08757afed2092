import type { Node } from '../../../api/objects/node.ts';
import type { Service } from '../../../api/objects/service.ts';
import type { Task } from '../../../api/objects/task.ts';
import { compareTaskStates } from '../../../api/objects/task.ts';
import type { StoreReader } from '../../../store/store-reader.ts';
import { nodes, serviceNodeKey, serviceSlotKey, tasks } from '../../../store/tables.ts';
import { compareTaskAge, isGlobalService } from '../slots-of.ts';
import type { SlotJob, SlotView } from './slot-job.ts';

/**
 * Reads one service's slots from the store for its update. A slot is named by any of its
 * tasks (`first`): its replica number for replicated services, its node for global ones.
 * Reads only; what it returns reflects the store at the call.
 */
export class SlotReader {
  private readonly global: boolean;

  constructor(
    private readonly store: StoreReader,
    private readonly service: Service,
  ) {
    this.global = isGlobalService(service);
  }

  /** The slot's key in an update plan (`slot:3`, `node:<id>`). */
  keyOf(task: Task): string {
    return this.global ? `node:${task.NodeID ?? ''}` : `slot:${task.Slot}`;
  }

  /** The task's node, if it has one and the store knows it. */
  nodeOf(task: Task): Node | undefined {
    return task.NodeID === undefined ? undefined : this.store.get(nodes, task.NodeID);
  }

  /** Every stored task of the slot of `first`, live or not. */
  tasksOf(first: Task): Task[] {
    const id = this.service.id;
    return this.global
      ? this.store.find(tasks, {
          index: 'serviceNode',
          value: serviceNodeKey(id, first.NodeID ?? ''),
        })
      : this.store.find(tasks, { index: 'serviceSlot', value: serviceSlotKey(id, first.Slot) });
  }

  /** The slot's tasks desired `running` or lower, oldest first. */
  liveTasksOf(first: Task): Task[] {
    return this.tasksOf(first)
      .filter((t) => compareTaskStates(t.DesiredState, 'running') <= 0)
      .sort(compareTaskAge);
  }

  /**
   * What `job` (on the slot of `first`) sees: its task, and whether the tasks it waits on
   * have stopped. It waits on its old tasks and on any task of the slot being shut down
   * (a previous leader's), while they are `assigned`..`running`; tasks never sent to a node
   * have nothing to stop.
   */
  viewOf(job: SlotJob, first: Task): SlotView {
    const stopping = this.tasksOf(first).some(
      (t) =>
        t.id !== job.taskId &&
        (job.oldTaskIds.includes(t.id) || compareTaskStates(t.DesiredState, 'running') > 0) &&
        compareTaskStates(t.Status.State, 'assigned') >= 0 &&
        compareTaskStates(t.Status.State, 'running') <= 0 &&
        // A task on a down (or removed) node will never report that it stopped: do not wait
        // for it, as the restart supervisor does not.
        this.nodeOf(t) !== undefined &&
        this.nodeOf(t)?.Status.State !== 'down',
    );
    return { task: this.store.get(tasks, job.taskId), oldStopped: !stopping };
  }
}
