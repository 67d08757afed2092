import type { Filters } from '../../api/filters.ts';
import type { RandomBytes } from '../../api/ids.ts';
import type { TaskLogSelector } from '../../api/objects/log-message.ts';
import type { EngineService } from '../../api/objects/service.ts';
import { toEngineService } from '../../api/objects/service.ts';
import type { ServiceSpec } from '../../api/objects/service-spec.ts';
import type { EngineTask } from '../../api/objects/task.ts';
import { toEngineTask } from '../../api/objects/task.ts';
import { notLeader } from '../../manager/controlapi/control-errors.ts';
import { serviceStatusOf } from '../../manager/controlapi/service-status.ts';
import {
  createService,
  getService,
  listServices,
  removeService,
  updateService,
} from '../../manager/controlapi/services.ts';
import { getTask, listTasks } from '../../manager/controlapi/tasks.ts';
import type { Manager } from '../../manager/manager.ts';
import type {
  LogOptions,
  LogSource,
  LogSubscribe,
  LogTarget,
  ServiceBackend,
  ServiceCreateResponse,
  ServiceUpdateOptions,
  ServiceUpdateResponse,
} from '../../server/service-backend.ts';
import type { StoreReader } from '../../store/store-reader.ts';
import { tasks } from '../../store/tables.ts';

/** What {@link DaemonServices} works over. */
export interface DaemonServicesOptions {
  /**
   * The local manager. Throws the daemon's 503s when this node runs none ("This node is not
   * a swarm manager..." outside a swarm or on a worker), as `DaemonSwarm` does.
   */
  readonly manager: () => Manager;
  /** Entropy for service IDs and generated names (`secureRandomBytes` in production). */
  readonly randomBytes: RandomBytes;
  /** The log broker's subscription, for `/services/{id}/logs` and `/tasks/{id}/logs`. */
  readonly subscribeLogs: LogSubscribe;
}

/**
 * The daemon's `ServiceBackend`: the service and task endpoints over the local manager's
 * control API, with `DaemonSwarm`'s rules. Reads are served from the local store (a
 * follower's may lag the leader by a commit); writes need a leader: a follower's go through
 * Raft to the leader, and without a leader they fail at once with `MANAGER_NOT_LEADER` and
 * Docker's no-leader text. Off a manager every call fails with the accessor's 503.
 */
export class DaemonServices implements ServiceBackend {
  constructor(private readonly options: DaemonServicesOptions) {}

  listServices(filters: Filters, status: boolean): Promise<EngineService[]> {
    return this.read((reader) =>
      listServices(reader, filters).map((service) =>
        toEngineService(
          service,
          status
            ? {
                status: serviceStatusOf(
                  service,
                  reader.find(tasks, { index: 'service', value: service.id }),
                ),
              }
            : {},
        ),
      ),
    );
  }

  inspectService(ref: string, insertDefaults: boolean): Promise<EngineService> {
    return this.read((reader) => toEngineService(getService(reader, ref), { insertDefaults }));
  }

  async createService(spec: ServiceSpec): Promise<ServiceCreateResponse> {
    const id = await this.write((manager) =>
      createService(manager.store, spec, { randomBytes: this.options.randomBytes }),
    );
    return { ID: id, Warnings: null };
  }

  async updateService(
    ref: string,
    version: number,
    spec: ServiceSpec,
    options: ServiceUpdateOptions,
  ): Promise<ServiceUpdateResponse> {
    await this.write((manager) =>
      updateService(manager.store, ref, { version, spec, rollback: options.rollback }),
    );
    return { Warnings: null };
  }

  async removeService(ref: string): Promise<void> {
    await this.write((manager) => removeService(manager.store, ref));
  }

  listTasks(filters: Filters): Promise<EngineTask[]> {
    return this.read((reader) => listTasks(reader, filters).map(toEngineTask));
  }

  inspectTask(ref: string): Promise<EngineTask> {
    return this.read((reader) => toEngineTask(getTask(reader, ref)));
  }

  async logs(target: LogTarget, options: LogOptions, signal: AbortSignal): Promise<LogSource> {
    const { selector, tty } = await this.read((reader) => {
      const base = {
        follow: options.follow,
        ...(options.tail === undefined ? {} : { tail: options.tail }),
        ...(options.since === undefined ? {} : { since: options.since }),
      };
      if (target.kind === 'service') {
        const service = getService(reader, target.ref);
        const selected: TaskLogSelector = { ...base, serviceIds: [service.id] };
        return { selector: selected, tty: service.Spec.TaskTemplate?.ContainerSpec?.TTY === true };
      }
      const task = getTask(reader, target.ref);
      const selected: TaskLogSelector = { ...base, taskIds: [task.id] };
      return { selector: selected, tty: task.Spec.ContainerSpec?.TTY === true };
    });
    return { tty, messages: this.options.subscribeLogs(selector, signal) };
  }

  private async read<R>(fn: (reader: StoreReader) => R): Promise<R> {
    const manager = this.options.manager();
    await manager.readBarrier();
    return manager.store.view(fn);
  }

  private async write<R>(fn: (manager: Manager) => Promise<R>): Promise<R> {
    const manager = this.options.manager();
    // As DaemonSwarm: without a leader, fail at once instead of waiting out the proposal.
    if (manager.raft.leader() === 0) throw notLeader(0);
    return fn(manager);
  }
}
