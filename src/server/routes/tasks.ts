import { parseFilters } from '../../api/filters.ts';
import { TASK_FILTER_KEYS } from '../../api/object-filters.ts';
import { queryFilters } from '../query-params.ts';
import { jsonReply } from '../reply.ts';
import type { Router } from '../router.ts';
import type { ServiceBackend } from '../service-backend.ts';
import { serveSwarmLogs } from './swarm-logs.ts';

/**
 * Registers the task endpoints over `backend` (Engine API v1.41, swarm-behaviour §4.2):
 * - `GET /tasks?filters=` → `[Task]`; filters `desired-state`, `id`, `label`, `name`, `node`,
 *   `service`, `runtime` and the CLI's hidden `_up-to-date` (others 400);
 * - `GET /tasks/{id}` → the Task (ID, then name, then unique ID prefix);
 * - `GET /tasks/{id}/logs` → the log stream (serveSwarmLogs).
 */
export function registerTaskRoutes(router: Router, backend: ServiceBackend): void {
  router.get('/tasks', async (ctx) => {
    const filters = parseFilters(queryFilters(ctx.query), TASK_FILTER_KEYS);
    return jsonReply(await backend.listTasks(filters));
  });
  router.get('/tasks/{id}', async (ctx) => jsonReply(await backend.inspectTask(idOf(ctx.params))));
  router.get('/tasks/{id}/logs', (ctx) =>
    serveSwarmLogs(ctx, backend, { kind: 'task', ref: idOf(ctx.params) }),
  );
}

function idOf(params: Readonly<Record<string, string>>): string {
  return params['id'] ?? '';
}
