import type { Filters } from '../../api/filters.ts';
import { newObjectId } from '../../api/ids.ts';
import { normalizeServiceSpec } from '../../api/normalize-service-spec.ts';
import { serviceMatcher } from '../../api/object-filters.ts';
import type { Service } from '../../api/objects/service.ts';
import type { ServiceSpec } from '../../api/objects/service-spec.ts';
import { isJobMode } from '../../api/objects/service-spec.ts';
import { resolveService } from '../../api/resolve.ts';
import { checkReferencesExist } from '../../api/validate/references.ts';
import { validateServiceSpec } from '../../api/validate/service-spec.ts';
import { validateServiceUpdate } from '../../api/validate/service-update.ts';
import type { Problem } from '../../api/validate/spec-error.ts';
import { ShoalError } from '../../base/errors.ts';
import type { MemoryStore } from '../../store/memory-store.ts';
import type { StoreReader } from '../../store/store-reader.ts';
import { STORE_NAME_CONFLICT } from '../../store/store-errors.ts';
import { configs, secrets, services } from '../../store/tables.ts';
import type { ControlDeps } from './control-deps.ts';
import { noPreviousSpec, serviceNameConflict } from './service-errors.ts';
import { randomServiceName } from './service-name.ts';
import { checkPortConflicts } from './service-ports.ts';

function throwIf(problem: Problem): void {
  if (problem) throw problem;
}

/** Docker's check that every secret and config the spec references exists (400). */
function checkReferences(reader: StoreReader, spec: ServiceSpec): Problem {
  return checkReferencesExist(
    spec,
    (id) => reader.get(secrets, id)?.Spec.Name,
    (id) => reader.get(configs, id)?.Spec.Name,
  );
}

function byId(a: { readonly id: string }, b: { readonly id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * `POST /services/create`: validates `spec` (validateServiceSpec), stores it normalized
 * (normalizeServiceSpec) under a new ID and returns the ID. A spec without a name gets a
 * random `adjective_surname` first, as the Engine gives it. The service starts at
 * `SpecVersion` 0; a job also gets `JobStatus` at iteration 0, executed now. Refuses a
 * published port another service holds (400, see checkPortConflicts), a secret or config
 * that does not exist (400), and a name another service holds, case-insensitively (409
 * `STORE_NAME_CONFLICT` "name conflicts with an existing object: service X already exists").
 * The orchestrators create the tasks.
 */
export async function createService(
  store: MemoryStore,
  spec: ServiceSpec,
  deps: ControlDeps,
): Promise<string> {
  const named: ServiceSpec = spec.Name
    ? spec
    : { ...spec, Name: randomServiceName(deps.randomBytes) };
  throwIf(validateServiceSpec(named));
  const normalized = normalizeServiceSpec(named);
  const id = newObjectId(deps.randomBytes);
  try {
    await store.update((tx) => {
      throwIf(checkPortConflicts(normalized, '', tx.all(services)));
      throwIf(checkReferences(tx, normalized));
      tx.create(services, {
        id,
        Spec: normalized,
        SpecVersion: { Index: 0 },
        ...(isJobMode(normalized.Mode)
          ? { JobStatus: { JobIteration: { Index: 0 }, LastExecution: tx.at } }
          : {}),
      });
    });
  } catch (err) {
    if (err instanceof ShoalError && err.code === STORE_NAME_CONFLICT) {
      throw serviceNameConflict(normalized.Name ?? '');
    }
    throw err;
  }
  return id;
}

/**
 * `GET /services/{ref}`: an exact ID, then an exact name, then a unique ID prefix. Throws
 * `SERVICE_NOT_FOUND` (404 "service X not found") or `REFERENCE_AMBIGUOUS` (400).
 */
export function getService(reader: StoreReader, ref: string): Service {
  return resolveService(ref, reader.all(services));
}

/**
 * `GET /services?filters=`: the services the parsed filters match (serviceMatcher: `id` and
 * `name` by prefix, `label`, `mode`, `runtime`), sorted by ID. Without a `runtime` filter
 * only container services are listed, as the Engine does. Throws `FILTER_INVALID`.
 */
export function listServices(reader: StoreReader, filters: Filters): Service[] {
  const withRuntime = filters.has('runtime')
    ? filters
    : new Map([...filters, ['runtime', new Set(['container'])]]);
  return reader.all(services).filter(serviceMatcher(withRuntime)).sort(byId);
}

/** What `POST /services/{ref}/update` asks for besides the service. */
export interface ServiceUpdateRequest {
  /** The `Version.Index` the client read; a stale one fails with "update out of sequence". */
  readonly version: number;
  /** The full new spec (not a patch). With `rollback`, an empty spec (`{}`) is not checked. */
  readonly spec: ServiceSpec;
  /** `?rollback=previous`: return to `PreviousSpec` instead of applying `spec`. */
  readonly rollback: boolean;
}

function isEmptySpec(spec: ServiceSpec): boolean {
  return Object.keys(spec).length === 0;
}

/**
 * The service `current` becomes under `request` (see updateService), written at `at`; throws
 * `SERVICE_NO_PREVIOUS_SPEC` for a rollback with nothing to return to. Pure.
 */
function updatedService(
  current: Service,
  request: ServiceUpdateRequest,
  spec: ServiceSpec,
  at: string,
): Service {
  const {
    UpdateStatus: _status,
    PreviousSpec: previous,
    PreviousSpecVersion: previousVersion,
    SpecVersion: specVersion,
    JobStatus: job,
    ...rest
  } = current;
  const base = {
    ...rest,
    meta: { ...current.meta, version: request.version },
    ...(job === undefined
      ? {}
      : {
          JobStatus: {
            JobIteration: { Index: job.JobIteration.Index + 1 },
            LastExecution: at,
          },
        }),
  };
  if (request.rollback) {
    if (previous === undefined) throw noPreviousSpec(current.id);
    return {
      ...base,
      Spec: previous,
      ...(previousVersion === undefined ? {} : { SpecVersion: previousVersion }),
      PreviousSpec: current.Spec,
      ...(specVersion === undefined ? {} : { PreviousSpecVersion: specVersion }),
      UpdateStatus: {
        State: 'rollback_started',
        StartedAt: at,
        Message: 'manually requested rollback',
      },
    };
  }
  return {
    ...base,
    Spec: spec,
    SpecVersion: { Index: request.version },
    PreviousSpec: current.Spec,
    ...(specVersion === undefined ? {} : { PreviousSpecVersion: specVersion }),
  };
}

/**
 * `POST /services/{ref}/update?version=`, swarmkit's UpdateService. The new spec is validated
 * (400) before the service is looked up (404); then, against the stored service:
 * validateServiceUpdate (501 for a mode change, a rename, a lone change of the deprecated
 * `Networks`), published ports when the endpoint changed, and references. A job's
 * `JobStatus.JobIteration` grows by one on every update. A normal update stores the
 * normalized spec with `PreviousSpec` = the old spec, `SpecVersion` = `version` (the old
 * `SpecVersion` kept as `PreviousSpecVersion`) and no `UpdateStatus`: the orchestrators roll
 * the tasks. With `rollback`, Spec and PreviousSpec (and their versions) swap and
 * `UpdateStatus` becomes `rollback_started` "manually requested rollback"; a service never
 * updated has nothing to return to (400 `SERVICE_NO_PREVIOUS_SPEC`). A stale `version` fails
 * in the store with `STORE_SEQUENCE_CONFLICT` (500 "update out of sequence"), as in Docker.
 */
export async function updateService(
  store: MemoryStore,
  ref: string,
  request: ServiceUpdateRequest,
): Promise<void> {
  const checked = !(request.rollback && isEmptySpec(request.spec));
  if (checked) throwIf(validateServiceSpec(request.spec));
  const spec = normalizeServiceSpec(request.spec);
  await store.update((tx) => {
    const current = resolveService(ref, tx.all(services));
    if (checked) {
      throwIf(validateServiceUpdate(current.Spec, spec));
      const endpointChanged =
        JSON.stringify(spec.EndpointSpec ?? null) !==
        JSON.stringify(current.Spec.EndpointSpec ?? null);
      if (endpointChanged) throwIf(checkPortConflicts(spec, current.id, tx.all(services)));
      throwIf(checkReferences(tx, spec));
    }
    tx.update(services, updatedService(current, request, spec, tx.at));
  });
}

/**
 * `DELETE /services/{ref}`: deletes the service and returns its ID. Its tasks stay: the
 * orchestrators shut them down and the task reaper deletes them. Throws `SERVICE_NOT_FOUND`
 * or `REFERENCE_AMBIGUOUS`.
 */
export async function removeService(store: MemoryStore, ref: string): Promise<string> {
  let removed = '';
  await store.update((tx) => {
    const service = resolveService(ref, tx.all(services));
    tx.delete(services, service.id);
    removed = service.id;
  });
  return removed;
}
