import { statusOf } from '../../api/errors.ts';
import { parseFilters } from '../../api/filters.ts';
import { SERVICE_FILTER_KEYS } from '../../api/object-filters.ts';
import type { ServiceSpec } from '../../api/objects/service-spec.ts';
import { ShoalError } from '../../base/errors.ts';
import { apiVersionAtLeast } from '../api-version.ts';
import { queryFilters, queryObjectVersion, queryStrictBool } from '../query-params.ts';
import { jsonReply } from '../reply.ts';
import type { Router } from '../router.ts';
import type { ServiceBackend, ServiceUpdateOptions } from '../service-backend.ts';
import { readObjectBody } from './object-body.ts';
import { serveSwarmLogs } from './swarm-logs.ts';

/** Docker's untyped (500) refusal of an update option, as Engine 20.10 (API 1.41) answers it. */
function updateOptionError(message: string, field: string): ShoalError {
  return new ShoalError('SERVICE_REQUEST_INVALID', message, {
    status: statusOf('SERVICE_REQUEST_INVALID'),
    field,
  });
}

function updateOptions(query: URLSearchParams, auth: string | undefined): ServiceUpdateOptions {
  const from = query.get('registryAuthFrom') ?? '';
  if (from !== '' && from !== 'spec' && from !== 'previous-spec') {
    throw updateOptionError('unsupported registryAuthFrom value', 'registryAuthFrom');
  }
  const rollback = query.get('rollback') ?? '';
  if (rollback !== '' && rollback !== 'none' && rollback !== 'previous') {
    throw updateOptionError(`unrecognized rollback option ${rollback}`, 'rollback');
  }
  return {
    rollback: rollback === 'previous',
    ...(from === '' ? {} : { registryAuthFrom: from }),
    ...(auth === undefined || auth === '' ? {} : { encodedRegistryAuth: auth }),
  };
}

function registryAuth(
  headers: Readonly<Record<string, string | string[] | undefined>>,
): string | undefined {
  const value = headers['x-registry-auth'];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Registers the service endpoints over `backend` (Engine API v1.41, swarm-behaviour §4.2):
 * - `GET /services?filters=&status=` → `[Service]`; filters `id`, `label`, `mode`, `name`,
 *   `runtime` (others 400); `status` (a strict bool, 400 `invalid value for status: x`) is
 *   read from API 1.41 on and adds `ServiceStatus`;
 * - `GET /services/{id}?insertDefaults=` → the Service;
 * - `POST /services/create` with a ServiceSpec (and `X-Registry-Auth`) → **201**
 *   `{ID, Warnings}`;
 * - `POST /services/{id}/update?version=&registryAuthFrom=&rollback=` with the full spec →
 *   200 `{Warnings}`; `version` is required (400), an unknown `registryAuthFrom` or
 *   `rollback` is Engine 20.10's 500;
 * - `DELETE /services/{id}` → 200, empty;
 * - `GET /services/{id}/logs` → the log stream (serveSwarmLogs).
 */
export function registerServiceRoutes(router: Router, backend: ServiceBackend): void {
  router.get('/services', async (ctx) => {
    const filters = parseFilters(queryFilters(ctx.query), SERVICE_FILTER_KEYS);
    const status =
      apiVersionAtLeast(ctx.apiVersion, '1.41') && queryStrictBool(ctx.query, 'status') === true;
    return jsonReply(await backend.listServices(filters, status));
  });
  router.get('/services/{id}', async (ctx) => {
    const insertDefaults = queryStrictBool(ctx.query, 'insertDefaults') === true;
    return jsonReply(await backend.inspectService(idOf(ctx.params), insertDefaults));
  });
  router.post('/services/create', async (ctx) => {
    const body = await readObjectBody(ctx, { goType: 'swarm.ServiceSpec', required: false });
    const auth = registryAuth(ctx.request.headers);
    return jsonReply(await backend.createService(body, auth), 201);
  });
  router.post('/services/{id}/update', async (ctx) => {
    const body = await readObjectBody(ctx, { goType: 'swarm.ServiceSpec', required: false });
    const version = queryObjectVersion(ctx.query, 'service');
    const options = updateOptions(ctx.query, registryAuth(ctx.request.headers));
    const spec = body as ServiceSpec;
    return jsonReply(await backend.updateService(idOf(ctx.params), version, spec, options));
  });
  router.delete('/services/{id}', async (ctx) => {
    await backend.removeService(idOf(ctx.params));
    return undefined;
  });
  router.get('/services/{id}/logs', (ctx) =>
    serveSwarmLogs(ctx, backend, { kind: 'service', ref: idOf(ctx.params) }),
  );
}

function idOf(params: Readonly<Record<string, string>>): string {
  return params['id'] ?? '';
}
