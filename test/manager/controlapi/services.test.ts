import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statusOf } from '../../../src/api/errors.ts';
import { parseFilters } from '../../../src/api/filters.ts';
import { SERVICE_FILTER_KEYS } from '../../../src/api/object-filters.ts';
import type { ServiceSpec } from '../../../src/api/objects/service-spec.ts';
import {
  createService,
  getService,
  listServices,
  removeService,
  updateService,
} from '../../../src/manager/controlapi/services.ts';
import type { MemoryStore } from '../../../src/store/memory-store.ts';
import { services, tasks } from '../../../src/store/tables.ts';
import { clusterStore, controlDeps, rejection } from '../support/control-fixtures.ts';
import { aServiceSpec, seedTasks } from '../support/service-fixtures.ts';

const filters = (raw: string) => parseFilters(raw, SERVICE_FILTER_KEYS);

async function created(spec: ServiceSpec = aServiceSpec('web')): Promise<{
  store: MemoryStore;
  id: string;
}> {
  const { store } = clusterStore();
  const id = await createService(store, spec, controlDeps());
  return { store, id };
}

function versionOf(store: MemoryStore, id: string): number {
  return store.get(services, id)!.meta.version;
}

test('create stores the normalized spec at SpecVersion 0 and resolves by ID, name and prefix', async () => {
  const { store, id } = await created();
  assert.match(id, /^[0-9a-z]{25}$/);
  const service = getService(store, 'web');
  assert.equal(service.id, id);
  assert.deepEqual(service.SpecVersion, { Index: 0 });
  assert.deepEqual(service.Spec.Labels, {});
  assert.equal(service.Spec.TaskTemplate?.Runtime, 'container');
  assert.equal(service.Spec.TaskTemplate?.ForceUpdate, 0);
  assert.equal(service.Spec.TaskTemplate?.ContainerSpec?.Isolation, 'default');
  assert.equal(service.PreviousSpec, undefined);
  assert.equal(service.JobStatus, undefined);
  assert.equal(getService(store, id.slice(0, 5)).id, id);
  const missing = await rejection(Promise.resolve().then(() => getService(store, 'nope')));
  assert.deepEqual(missing, { code: 'SERVICE_NOT_FOUND', message: 'service nope not found' });
});

test('create without a name draws an adjective_surname name from the random bytes', async () => {
  const spec = aServiceSpec('');
  const first = await created(spec);
  const second = await created(spec);
  const name = first.store.get(services, first.id)!.Spec.Name ?? '';
  assert.match(name, /^[a-z]+_[a-z]+$/);
  // Seeded bytes: the same seed gives the same name.
  assert.equal(second.store.get(services, second.id)!.Spec.Name, name);
});

test('a name already taken, in any case, is a 409 with Docker text', async () => {
  const { store } = await created();
  const err = await rejection(createService(store, aServiceSpec('WEB'), controlDeps(2)));
  assert.deepEqual(err, {
    code: 'STORE_NAME_CONFLICT',
    message: 'name conflicts with an existing object: service WEB already exists',
  });
  assert.equal(statusOf(err.code), 409);
  assert.equal(store.all(services).length, 1);
});

test('an invalid spec is refused before anything is written', async () => {
  const { store } = clusterStore();
  const err = await rejection(
    createService(store, { Name: 'web', TaskTemplate: { ContainerSpec: {} } }, controlDeps()),
  );
  assert.equal(err.code, 'SPEC_INVALID');
  assert.equal(store.all(services).length, 0);
});

test('published ports held by another service are refused as Swarm words it', async () => {
  const port = (PublishedPort: number, PublishMode: 'ingress' | 'host') => ({
    EndpointSpec: { Ports: [{ TargetPort: 80, PublishedPort, PublishMode }] },
  });
  const { store, id } = await created(aServiceSpec('web', port(8080, 'ingress')));
  await createService(store, aServiceSpec('edge', port(9090, 'host')), controlDeps(2));
  const edge = getService(store, 'edge').id;
  const ingressTaken = await rejection(
    createService(store, aServiceSpec('api', port(8080, 'ingress')), controlDeps(3)),
  );
  assert.deepEqual(ingressTaken, {
    code: 'SPEC_INVALID',
    message: `port '8080' is already in use by service 'web' (${id}) as an ingress port`,
  });
  const hostOnIngress = await rejection(
    createService(store, aServiceSpec('api', port(8080, 'host')), controlDeps(3)),
  );
  assert.match(hostOnIngress.message, /as an ingress port$/);
  const ingressOnHost = await rejection(
    createService(store, aServiceSpec('api', port(9090, 'ingress')), controlDeps(3)),
  );
  assert.equal(
    ingressOnHost.message,
    `port '9090' is already in use by service 'edge' (${edge}) as a host-published port`,
  );
  // Host-mode ports may repeat: the scheduler keeps such tasks on different nodes.
  await createService(store, aServiceSpec('api', port(9090, 'host')), controlDeps(3));
  // Other protocols are other ports.
  await createService(
    store,
    aServiceSpec('dns', {
      EndpointSpec: { Ports: [{ TargetPort: 53, PublishedPort: 8080, Protocol: 'udp' }] },
    }),
    controlDeps(4),
  );
});

test('a secret that does not exist is refused', async () => {
  const { store } = clusterStore();
  const spec = aServiceSpec('web', {
    TaskTemplate: {
      ContainerSpec: {
        Image: 'busybox',
        Secrets: [
          {
            SecretID: 'abc',
            SecretName: 'db',
            File: { Name: 'db', UID: '0', GID: '0', Mode: 0o444 },
          },
        ],
      },
    },
  });
  const err = await rejection(createService(store, spec, controlDeps()));
  assert.deepEqual(err, { code: 'SPEC_INVALID', message: 'secret not found: db' });
});

test('a job starts at iteration 0, and every update moves it on', async () => {
  const { store, clock } = clusterStore();
  const spec = aServiceSpec('batch', { Mode: { ReplicatedJob: { TotalCompletions: 3 } } });
  const id = await createService(store, spec, controlDeps());
  const job = store.get(services, id)!;
  assert.deepEqual(job.Spec.Mode, { ReplicatedJob: { MaxConcurrent: 1, TotalCompletions: 3 } });
  assert.deepEqual(job.JobStatus, {
    JobIteration: { Index: 0 },
    LastExecution: new Date(clock.now()).toISOString(),
  });
  await updateService(store, id, { version: versionOf(store, id), spec, rollback: false });
  assert.deepEqual(store.get(services, id)!.JobStatus?.JobIteration, { Index: 1 });
  await updateService(store, id, { version: versionOf(store, id), spec, rollback: false });
  assert.deepEqual(store.get(services, id)!.JobStatus?.JobIteration, { Index: 2 });
});

test('update keeps the old spec as PreviousSpec, sets SpecVersion and clears UpdateStatus', async () => {
  const { store, id } = await created();
  await store.update((tx) => {
    const s = tx.get(services, id)!;
    tx.update(services, {
      ...s,
      UpdateStatus: { State: 'completed', Message: 'update completed' },
    });
  });
  const version = versionOf(store, id);
  const next = aServiceSpec('web', {
    TaskTemplate: { ContainerSpec: { Image: 'busybox:1.37' } },
  });
  await updateService(store, 'web', { version, spec: next, rollback: false });
  const service = store.get(services, id)!;
  assert.equal(service.Spec.TaskTemplate?.ContainerSpec?.Image, 'busybox:1.37');
  assert.equal(service.PreviousSpec?.TaskTemplate?.ContainerSpec?.Image, 'busybox:1.36');
  assert.deepEqual(service.SpecVersion, { Index: version });
  assert.deepEqual(service.PreviousSpecVersion, { Index: 0 });
  assert.equal(service.UpdateStatus, undefined);
  assert.ok(service.meta.version > version);
});

test('a stale version is "update out of sequence" (500), as the Engine answers', async () => {
  const { store, id } = await created();
  const stale = versionOf(store, id);
  await updateService(store, id, { version: stale, spec: aServiceSpec('web'), rollback: false });
  const err = await rejection(
    updateService(store, id, { version: stale, spec: aServiceSpec('web'), rollback: false }),
  );
  assert.deepEqual(err, { code: 'STORE_SEQUENCE_CONFLICT', message: 'update out of sequence' });
  assert.equal(statusOf(err.code), 500);
});

test('mode changes and renames are 501s; an unknown service is a 404 after validation', async () => {
  const { store, id } = await created();
  const version = versionOf(store, id);
  const update = (spec: ServiceSpec, ref = id) =>
    rejection(updateService(store, ref, { version, spec, rollback: false }));
  assert.deepEqual(await update(aServiceSpec('web', { Mode: { Global: {} } })), {
    code: 'SERVICE_MODE_CHANGE',
    message: 'service mode change is not allowed',
  });
  assert.deepEqual(await update(aServiceSpec('web2')), {
    code: 'SERVICE_RENAME',
    message: 'renaming services is not supported',
  });
  assert.equal(statusOf('SERVICE_RENAME'), 501);
  assert.equal((await update(aServiceSpec('web'), 'nope')).code, 'SERVICE_NOT_FOUND');
  // The spec is checked first, as swarmkit does.
  assert.equal((await update({ Name: 'web' }, 'nope')).code, 'SPEC_INVALID');
});

test('rollback=previous without a previous spec is a FailedPrecondition (400)', async () => {
  const { store, id } = await created();
  const err = await rejection(
    updateService(store, id, { version: versionOf(store, id), spec: {}, rollback: true }),
  );
  assert.deepEqual(err, {
    code: 'SERVICE_NO_PREVIOUS_SPEC',
    message: `service ${id} does not have a previous spec`,
  });
  assert.equal(statusOf(err.code), 400);
});

test('rollback=previous swaps Spec and PreviousSpec with their versions', async () => {
  const { store, clock, id } = await (async () => {
    const fixture = clusterStore();
    const serviceId = await createService(fixture.store, aServiceSpec('web'), controlDeps());
    return { ...fixture, id: serviceId };
  })();
  const v1 = versionOf(store, id);
  const next = aServiceSpec('web', { TaskTemplate: { ContainerSpec: { Image: 'nginx' } } });
  await updateService(store, id, { version: v1, spec: next, rollback: false });
  clock.advance(5_000);
  const current = store.get(services, id)!;
  await updateService(store, id, {
    version: current.meta.version,
    spec: current.Spec,
    rollback: true,
  });
  const rolled = store.get(services, id)!;
  assert.equal(rolled.Spec.TaskTemplate?.ContainerSpec?.Image, 'busybox:1.36');
  assert.equal(rolled.PreviousSpec?.TaskTemplate?.ContainerSpec?.Image, 'nginx');
  assert.deepEqual(rolled.SpecVersion, { Index: 0 });
  assert.deepEqual(rolled.PreviousSpecVersion, { Index: v1 });
  assert.deepEqual(rolled.UpdateStatus, {
    State: 'rollback_started',
    StartedAt: new Date(clock.now()).toISOString(),
    Message: 'manually requested rollback',
  });
});

test('remove deletes the service and leaves its tasks to the orchestrators', async () => {
  const { store, id } = await created();
  await seedTasks(store, id, [{ id: 'task1', slot: 1 }]);
  assert.equal(await removeService(store, 'web'), id);
  assert.equal(store.get(services, id), undefined);
  assert.equal(store.all(tasks).length, 1);
  const err = await rejection(removeService(store, 'web'));
  assert.deepEqual(err, { code: 'SERVICE_NOT_FOUND', message: 'service web not found' });
});

test('list filters by name and ID prefix, label and mode, sorted by ID', async () => {
  const { store } = clusterStore();
  await createService(store, aServiceSpec('web', { Labels: { tier: 'front' } }), controlDeps(1));
  await createService(store, aServiceSpec('worker', { Mode: { Global: {} } }), controlDeps(2));
  const names = (raw: string) => listServices(store, filters(raw)).map((s) => s.Spec.Name);
  assert.deepEqual(names('').sort(), ['web', 'worker']);
  assert.deepEqual(names('{"name":["w"]}').sort(), ['web', 'worker']);
  assert.deepEqual(names('{"name":["wo"]}'), ['worker']);
  assert.deepEqual(names('{"label":["tier=front"]}'), ['web']);
  assert.deepEqual(names('{"mode":["global"]}'), ['worker']);
  assert.deepEqual(names('{"runtime":["plugin"]}'), []);
  const ids = listServices(store, filters('')).map((s) => s.id);
  assert.deepEqual(ids, [...ids].sort());
  const web = getService(store, 'web').id;
  assert.deepEqual(names(JSON.stringify({ id: [web.slice(0, 6)] })), ['web']);
});
