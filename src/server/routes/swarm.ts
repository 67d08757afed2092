import {
  validateDataPathPort,
  validateDefaultAddrPool,
  validateSwarmSpec,
} from '../../api/validate/cluster-spec.ts';
import type { Problem } from '../../api/validate/spec-error.ts';
import { specError } from '../../api/validate/spec-error.ts';
import { queryBool, queryObjectVersion, queryStrictBool } from '../query-params.ts';
import { jsonReply } from '../reply.ts';
import type { Router } from '../router.ts';
import type { SwarmBackend, SwarmInitRequest, SwarmJoinRequest } from '../swarm-backend.ts';
import { readObjectBody } from './object-body.ts';

function throwIf(problem: Problem): void {
  if (problem) throw problem;
}

function isStringList(value: unknown): value is readonly string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

function checkStringList(field: string, value: unknown): Problem {
  if (value === undefined || value === null || isStringList(value)) return undefined;
  return specError(field, `${field} must be a list of strings`);
}

function checkString(field: string, value: unknown): Problem {
  if (value === undefined || typeof value === 'string') return undefined;
  return specError(field, `${field} must be a string`);
}

function checkSpec(value: unknown): Problem {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    return specError('Spec', 'Spec must be a JSON object');
  }
  return validateSwarmSpec(value);
}

/** The `swarm init` body, checked where Docker checks it before the daemon acts. */
function initRequestOf(body: Record<string, unknown>): SwarmInitRequest {
  for (const field of ['ListenAddr', 'AdvertiseAddr', 'DataPathAddr', 'Availability']) {
    throwIf(checkString(field, body[field]));
  }
  throwIf(checkStringList('DefaultAddrPool', body['DefaultAddrPool']));
  throwIf(checkSpec(body['Spec']));
  throwIf(validateDataPathPort(body['DataPathPort']));
  const subnet = body['SubnetSize'];
  if (subnet !== undefined && typeof subnet !== 'number') {
    throw specError('SubnetSize', 'SubnetSize must be a number');
  }
  const pool = body['DefaultAddrPool'];
  throwIf(validateDefaultAddrPool(isStringList(pool) ? pool : undefined, subnet ?? 0));
  return body;
}

/** The `swarm join` body: at least one remote address, as the Engine requires. */
function joinRequestOf(body: Record<string, unknown>): SwarmJoinRequest {
  for (const field of ['ListenAddr', 'AdvertiseAddr', 'DataPathAddr', 'Availability']) {
    throwIf(checkString(field, body[field]));
  }
  throwIf(checkString('JoinToken', body['JoinToken']));
  throwIf(checkStringList('RemoteAddrs', body['RemoteAddrs']));
  const remotes = body['RemoteAddrs'];
  if (!isStringList(remotes) || remotes.length === 0) {
    throw specError('RemoteAddrs', 'at least 1 RemoteAddr is required to join');
  }
  const token = body['JoinToken'];
  return { ...body, RemoteAddrs: remotes, JoinToken: typeof token === 'string' ? token : '' };
}

/**
 * Registers the swarm endpoints over `backend` (Engine API v1.41, swarm-behaviour §4.2):
 * - `POST /swarm/init` → 200 with the new node ID as a JSON string;
 * - `POST /swarm/join` → 200, empty; a body without `RemoteAddrs` is a 400;
 * - `POST /swarm/leave?force=` (the Engine's loose bool) → 200, empty;
 * - `POST /swarm/update?version=&rotateWorkerToken=&rotateManagerToken=&rotateManagerUnlockKey=`
 *   with the full SwarmSpec → 200, empty; the flags are strict bools (400 otherwise) and
 *   `version` is required (400 in Docker's words);
 * - `GET /swarm` → the Swarm object; `GET /swarm/unlockkey` → `{UnlockKey}`;
 * - `POST /swarm/unlock` with `{UnlockKey}` → 200, empty.
 * Bodies are JSON objects (400 otherwise) whose specs are checked with src/api/validate
 * before the backend is called; every other error is the backend's ShoalError.
 */
export function registerSwarmRoutes(router: Router, backend: SwarmBackend): void {
  router.post('/swarm/init', async (ctx) => {
    const body = await readObjectBody(ctx, { goType: 'types.InitRequest', required: true });
    return jsonReply(await backend.init(initRequestOf(body)));
  });
  router.post('/swarm/join', async (ctx) => {
    const body = await readObjectBody(ctx, { goType: 'types.JoinRequest', required: true });
    await backend.join(joinRequestOf(body));
    return undefined;
  });
  router.post('/swarm/leave', async (ctx) => {
    await backend.leave(queryBool(ctx.query, 'force'));
    return undefined;
  });
  router.post('/swarm/update', async (ctx) => {
    const version = queryObjectVersion(ctx.query, 'swarm');
    const flags = {
      rotateWorkerToken: queryStrictBool(ctx.query, 'rotateWorkerToken') ?? false,
      rotateManagerToken: queryStrictBool(ctx.query, 'rotateManagerToken') ?? false,
      rotateManagerUnlockKey: queryStrictBool(ctx.query, 'rotateManagerUnlockKey') ?? false,
    };
    const spec = await readObjectBody(ctx, { goType: 'swarm.Spec', required: true });
    throwIf(validateSwarmSpec(spec));
    await backend.update(version, spec, flags);
    return undefined;
  });
  router.get('/swarm', async () => jsonReply(await backend.inspect()));
  router.get('/swarm/unlockkey', async () => jsonReply(await backend.unlockKey()));
  router.post('/swarm/unlock', async (ctx) => {
    const body = await readObjectBody(ctx, { goType: 'types.UnlockRequest', required: true });
    const key = body['UnlockKey'];
    throwIf(checkString('UnlockKey', key));
    await backend.unlock(typeof key === 'string' ? key : '');
    return undefined;
  });
}
