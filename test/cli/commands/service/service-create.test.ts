import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeDaemon } from '../../support/fake-daemon.ts';
import type { RecordedRequest } from '../../support/fake-daemon.ts';
import { runRecorded, steppingClock, TEST_NOW } from '../../support/run-cli.ts';

const SERVICE_ID = 'svc0000000000000000000001';

function task(slot: number, state: string, err?: string): Record<string, unknown> {
  return {
    ID: `task${slot}`,
    Version: { Index: 5 },
    CreatedAt: '2024-06-01T11:59:00Z',
    UpdatedAt: '2024-06-01T11:59:00Z',
    Spec: { ContainerSpec: { Image: 'busybox' } },
    ServiceID: SERVICE_ID,
    Slot: slot,
    NodeID: 'node1',
    Status: { State: state, ...(err === undefined ? {} : { Err: err }) },
    DesiredState: 'running',
  };
}

let polls = 0;
let daemon: FakeDaemon;
before(async () => {
  daemon = await FakeDaemon.start({
    'POST /services/create': () => ({ json: { ID: SERVICE_ID, Warnings: null } }),
    'GET /services/:id': () => ({
      json: {
        ID: SERVICE_ID,
        Version: { Index: 9 },
        CreatedAt: '2024-06-01T11:59:00Z',
        UpdatedAt: '2024-06-01T11:59:00Z',
        Spec: {
          Name: 'web',
          Mode: { Replicated: { Replicas: 2 } },
          UpdateConfig: { Monitor: 2e9 },
        },
        Endpoint: { Spec: {} },
      },
    }),
    'GET /nodes': () => ({ json: [{ ID: 'node1', Status: { State: 'ready' } }] }),
    // The first poll sees one task pending with a reason, then both run.
    'GET /tasks': () => {
      polls++;
      return polls === 1
        ? {
            json: [
              task(1, 'running'),
              task(2, 'pending', 'no suitable node (1 node not available for new tasks)'),
            ],
          }
        : { json: [task(1, 'running'), task(2, 'running')] };
    },
  });
});
after(() => daemon.close());

const body = (requests: RecordedRequest[]): unknown =>
  requests.find((r) => r.method === 'POST')?.body;

test('service create sends the spec docker builds from its flags and prints the ID', async () => {
  const run = await runRecorded(daemon, [
    'service',
    'create',
    '--detach',
    '--name',
    'web',
    '--replicas',
    '2',
    '-e',
    'A=1',
    '-l',
    'tier=front',
    '--container-label',
    'c=d',
    '--constraint',
    'node.role==worker',
    '--placement-pref',
    'spread=node.labels.zone',
    '--mount',
    'type=bind,source=/a,target=/b,readonly',
    '-p',
    '8080:80',
    '--limit-memory',
    '64M',
    '--reserve-cpu',
    '0.5',
    '--restart-condition',
    'on-failure',
    '--restart-max-attempts',
    '3',
    '--update-parallelism',
    '2',
    '--update-order',
    'start-first',
    '--health-cmd',
    'true',
    '--health-interval',
    '1s',
    '--stop-grace-period',
    '2s',
    '--init',
    'busybox',
    'sleep',
    '100',
    '--not-a-flag',
  ]);
  assert.equal(run.stderr, '');
  assert.equal(run.code, 0);
  assert.equal(run.stdout, `${SERVICE_ID}\n`);
  assert.deepEqual(body(run.requests), {
    Name: 'web',
    Labels: { tier: 'front' },
    TaskTemplate: {
      ContainerSpec: {
        Image: 'busybox',
        Labels: { c: 'd' },
        Args: ['sleep', '100', '--not-a-flag'],
        Env: ['A=1'],
        Mounts: [{ Type: 'bind', Source: '/a', Target: '/b', ReadOnly: true }],
        Init: true,
        StopGracePeriod: 2e9,
        Healthcheck: { Test: ['CMD-SHELL', 'true'], Interval: 1e9 },
      },
      Placement: {
        Constraints: ['node.role==worker'],
        Preferences: [{ Spread: { SpreadDescriptor: 'node.labels.zone' } }],
      },
      Resources: { Limits: { MemoryBytes: 64 * 1024 * 1024 }, Reservations: { NanoCPUs: 5e8 } },
      RestartPolicy: { Condition: 'on-failure', MaxAttempts: 3 },
    },
    Mode: { Replicated: { Replicas: 2 } },
    UpdateConfig: {
      Parallelism: 2,
      FailureAction: 'pause',
      Monitor: 5e9,
      MaxFailureRatio: 0,
      Order: 'start-first',
    },
    EndpointSpec: {
      Ports: [{ Protocol: 'tcp', TargetPort: 80, PublishedPort: 8080, PublishMode: 'ingress' }],
    },
  });
});

test('service create flag errors read as docker reads them', async () => {
  const global = await runRecorded(daemon, [
    'service',
    'create',
    '-d',
    '--mode',
    'global',
    '--replicas',
    '2',
    'busybox',
  ]);
  assert.equal(global.code, 1);
  assert.equal(global.stderr, 'replicas can only be used with replicated or replicated-job mode\n');
  const mount = await runRecorded(daemon, [
    'service',
    'create',
    '--mount',
    'type=bind,source=/a',
    'busybox',
  ]);
  assert.equal(mount.code, 125);
  assert.match(
    mount.stderr,
    /^invalid argument "type=bind,source=\/a" for "--mount" flag: target is required/,
  );
  assert.deepEqual(
    [...global.requests, ...mount.requests].filter((r) => r.method === 'POST'),
    [],
  );
});

test('without --detach, create follows the progress until the tasks are stable', async () => {
  polls = 0;
  const run = await runRecorded(
    daemon,
    ['service', 'create', '--name', 'web', '--replicas', '2', 'busybox'],
    {
      clock: steppingClock(TEST_NOW),
    },
  );
  assert.equal(run.code, 0, run.stderr);
  const lines = run.stdout.split('\n');
  assert.equal(lines[0], SERVICE_ID);
  assert.deepEqual(lines.slice(1, 4), [
    'overall progress: 1 out of 2 tasks',
    `1/2: running   [${'='.repeat(50)}>]`,
    '2/2: no suitable node (1 node not available for new tasks)',
  ]);
  assert.ok(lines.includes('overall progress: 2 out of 2 tasks'));
  assert.ok(lines.includes('verify: Waiting 2 seconds to verify that tasks are stable...'));
  assert.equal(lines.at(-2), 'verify: Service converged');
  const taskQuery = run.requests.find((r) => r.path.endsWith('/tasks'))?.query.filters ?? '';
  assert.deepEqual(JSON.parse(taskQuery), {
    service: { [SERVICE_ID]: true },
    '_up-to-date': { true: true },
  });
});
