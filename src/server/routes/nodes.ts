import { parseFilters } from '../../api/filters.ts';
import { NODE_FILTER_KEYS } from '../../api/object-filters.ts';
import type { NodeSpec } from '../../api/objects/node.ts';
import { validateNodeSpec } from '../../api/validate/node-spec.ts';
import { queryBool, queryFilters, queryObjectVersion } from '../query-params.ts';
import { jsonReply } from '../reply.ts';
import type { Router } from '../router.ts';
import type { SwarmBackend } from '../swarm-backend.ts';
import { readObjectBody } from './object-body.ts';

/**
 * Registers the node endpoints over `backend` (Engine API v1.41, swarm-behaviour §4.2):
 * - `GET /nodes?filters=` → `[Node]`; filters are parsed here with the node keys (`id`,
 *   `label`, `membership`, `name`, `node.label`, `role`), an unknown key or malformed JSON
 *   being a 400 in Docker's words;
 * - `GET /nodes/{id}` → the Node (ID, then hostname, then unique ID prefix: the backend's);
 * - `POST /nodes/{id}/update?version=` with the full NodeSpec → 200, empty; `version` is
 *   required (400 in Docker's words), the spec is checked with validateNodeSpec (400), a
 *   stale version is the backend's 500 `update out of sequence`;
 * - `DELETE /nodes/{id}?force=` (the Engine's loose bool) → 200, empty.
 */
export function registerNodeRoutes(router: Router, backend: SwarmBackend): void {
  router.get('/nodes', async (ctx) => {
    const filters = parseFilters(queryFilters(ctx.query), NODE_FILTER_KEYS);
    return jsonReply(await backend.listNodes(filters));
  });
  router.get('/nodes/{id}', async (ctx) => jsonReply(await backend.inspectNode(idOf(ctx.params))));
  router.post('/nodes/{id}/update', async (ctx) => {
    const version = queryObjectVersion(ctx.query, 'node');
    const body = await readObjectBody(ctx, { goType: 'swarm.NodeSpec', required: true });
    const spec = body as NodeSpec;
    const problem = validateNodeSpec(spec);
    if (problem) throw problem;
    await backend.updateNode(idOf(ctx.params), version, spec);
    return undefined;
  });
  router.delete('/nodes/{id}', async (ctx) => {
    await backend.removeNode(idOf(ctx.params), queryBool(ctx.query, 'force'));
    return undefined;
  });
}

function idOf(params: Readonly<Record<string, string>>): string {
  return params['id'] ?? '';
}
