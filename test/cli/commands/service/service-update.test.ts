import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeDaemon } from '../../support/fake-daemon.ts';
import { runRecorded } from '../../support/run-cli.ts';

const ID = 'svc0000000000000000000002';
const current = {
  ID,
  Version: { Index: 41 },
  CreatedAt: '2024-06-01T11:00:00Z',
  UpdatedAt: '2024-06-01T11:00:00Z',
  Spec: {
    Name: 'api',
    Labels: { keep: '1', drop: '1' },
    TaskTemplate: {
      ContainerSpec: { Image: 'busybox:1', Env: ['A=1', 'B=2'], Args: ['sleep', '9'] },
      Placement: { Constraints: ['node.role==worker'] },
      ForceUpdate: 2,
    },
    Mode: { Replicated: { Replicas: 2 } },
  },
  Endpoint: { Spec: {} },
};

let daemon: FakeDaemon;
before(async () => {
  daemon = await FakeDaemon.start({
    'GET /services/:id': () => ({ json: current }),
    'POST /services/:id/update': () => ({ json: { Warnings: null } }),
  });
});
after(() => daemon.close());

test('service update applies only the flags given to the current spec, with ?version=', async () => {
  const run = await runRecorded(daemon, [
    'service',
    'update',
    '-d',
    '--image',
    'busybox:2',
    '--env-add',
    'B=3',
    '--env-rm',
    'A',
    '--label-rm',
    'drop',
    '--label-add',
    'new=x',
    '--constraint-rm',
    'node.role==worker',
    '--constraint-add',
    'node.labels.zone==a',
    '--args',
    "sh -c 'echo hi'",
    '--force',
    '--replicas',
    '4',
    '--update-delay',
    '2s',
    'api',
  ]);
  assert.equal(run.stderr, '');
  assert.equal(run.stdout, 'api\n');
  const post = run.requests.find((r) => r.method === 'POST');
  assert.equal(post?.query.version, '41');
  assert.deepEqual(post?.body, {
    Name: 'api',
    Labels: { keep: '1', new: 'x' },
    TaskTemplate: {
      ContainerSpec: {
        Image: 'busybox:2',
        Env: ['B=3'],
        Args: ['sh', '-c', 'echo hi'],
        Labels: {},
      },
      Placement: { Constraints: ['node.labels.zone==a'] },
      ForceUpdate: 3,
    },
    Mode: { Replicated: { Replicas: 4 } },
    UpdateConfig: {
      Parallelism: 1,
      FailureAction: 'pause',
      Monitor: 5e9,
      MaxFailureRatio: 0,
      Order: 'stop-first',
      Delay: 2e9,
    },
  });
});

test('--rollback sends the current spec with rollback=previous and takes no other spec flag', async () => {
  const run = await runRecorded(daemon, ['service', 'update', '-d', '--rollback', 'api']);
  assert.equal(run.code, 0, run.stderr);
  const post = run.requests.find((r) => r.method === 'POST');
  assert.equal(post?.query.rollback, 'previous');
  assert.deepEqual(post?.body, current.Spec);
  const mixed = await runRecorded(daemon, [
    'service',
    'update',
    '--rollback',
    '--image',
    'x',
    'api',
  ]);
  assert.equal(mixed.code, 1);
  assert.equal(mixed.stderr, 'other flags may not be combined with --rollback\n');
});

test('service scale sets replicas and refuses global services; rm prints each name', async () => {
  const scaled = await runRecorded(daemon, ['service', 'scale', '-d', 'api=0']);
  assert.equal(scaled.stdout, 'api scaled to 0\n');
  const post = scaled.requests.find((r) => r.method === 'POST');
  assert.deepEqual((post?.body as { Mode: unknown }).Mode, { Replicated: { Replicas: 0 } });
  const bad = await runRecorded(daemon, ['service', 'scale', 'api']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^Invalid scale specifier 'api'\./);
});
