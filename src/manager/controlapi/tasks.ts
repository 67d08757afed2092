import type { Filters } from '../../api/filters.ts';
import { taskMatcher } from '../../api/object-filters.ts';
import type { Task } from '../../api/objects/task.ts';
import { resolveTask, resolveTaskFilterRefs } from '../../api/resolve.ts';
import type { StoreReader } from '../../store/store-reader.ts';
import { nodes, services, tasks } from '../../store/tables.ts';
import { isTaskUpToDate } from './task-up-to-date.ts';

function byId(a: Task, b: Task): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

// A `service` filter (the CLI's progress display polls with one) reads only those services'
// tasks through the index instead of scanning the table.
function candidates(reader: StoreReader, filters: Filters): Task[] {
  const serviceIds = filters.get('service');
  if (serviceIds === undefined || serviceIds.size === 0) return reader.all(tasks);
  return [...serviceIds].flatMap((id) => reader.find(tasks, { index: 'service', value: id }));
}

/**
 * `GET /tasks?filters=`: the tasks the parsed filters match, sorted by ID, as the Engine
 * lists them. `service` values may be service IDs, names or unique ID prefixes and `node`
 * values node IDs, hostnames or prefixes: each is resolved first (404 / 400 when it names
 * nothing or several, as in Docker). `id` and `name` (`<service>.<slot>.<id>`, so `web.1`
 * works) match by prefix, `label` the service's labels, `desired-state` any state name
 * (400 "Invalid desired-state filter: 'x'" otherwise), and `_up-to-date` keeps the tasks that
 * run their service's current spec (isTaskUpToDate; tasks of a removed service never
 * match). Without a `runtime` filter only container tasks are listed.
 */
export function listTasks(reader: StoreReader, filters: Filters): Task[] {
  const resolved = new Map(resolveTaskFilterRefs(filters, reader.all(services), reader.all(nodes)));
  if (!resolved.has('runtime')) resolved.set('runtime', new Set(['container', '']));
  const matches = taskMatcher(resolved, {
    isUpToDate: (task) => {
      const service = reader.get(services, task.ServiceID);
      if (service === undefined) return false;
      const node = task.NodeID === undefined ? undefined : reader.get(nodes, task.NodeID);
      return isTaskUpToDate(service, task, node);
    },
  });
  return candidates(reader, resolved).filter(matches).sort(byId);
}

/**
 * `GET /tasks/{ref}`: an exact ID, then an exact task name (`<service>.<slot>.<id>`), then a
 * unique ID prefix. Throws `TASK_NOT_FOUND` (404 "task X not found") or
 * `REFERENCE_AMBIGUOUS` (400).
 */
export function getTask(reader: StoreReader, ref: string): Task {
  return resolveTask(ref, reader.all(tasks));
}
