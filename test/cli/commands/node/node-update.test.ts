import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FakeDaemon } from '../../support/fake-daemon.ts';
import { startFixtureDaemon } from '../../support/fixture-daemon.ts';
import { runCli, runRecorded } from '../../support/run-cli.ts';

let daemon: FakeDaemon;
before(async () => {
  daemon = await startFixtureDaemon();
});
after(() => daemon.close());

/** Runs a command and returns it with the API requests it made (pings left out). */
function shoal(...argv: string[]) {
  return runRecorded(daemon, argv);
}

test('node update GETs the node, then POSTs its whole spec with ?version=, and prints the reference', async () => {
  const run = await shoal(
    'node',
    'update',
    '--label-add',
    'b=2',
    '--label-add',
    'a',
    '--availability',
    'pause',
    'node-2',
  );
  assert.equal(run.stdout, 'node-2\n');
  assert.equal(run.code, 0);
  assert.deepEqual(
    run.requests.map((r) => `${r.method} ${r.path}?${r.rawQuery}`),
    ['GET /v1.41/nodes/node-2?', 'POST /v1.41/nodes/k2b4pxz1q9s7d3f5h8j0m6n1r/update?version=7'],
  );
  // The same bytes docker's client sends: Name, Labels (sorted), Role, Availability.
  assert.equal(
    run.requests[1]?.rawBody,
    '{"Name":"primary","Labels":{"a":"","b":"2","ssd":"","zone":"east"},"Role":"manager","Availability":"pause"}',
  );
});

test('node update --label-rm removes a label, and fails for a label the node lacks', async () => {
  const run = await shoal('node', 'update', '--label-rm', 'zone', '--role', 'worker', 'node-2');
  assert.deepEqual(run.requests[1]?.body, {
    Name: 'primary',
    Labels: { ssd: '' },
    Role: 'worker',
    Availability: 'active',
  });
  const missing = await shoal('node', 'update', '--label-rm', 'nope', 'node-2');
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, "key nope doesn't exist in node's labels\n");
  assert.deepEqual(
    missing.requests.map((r) => r.method),
    ['GET'],
  );
});

test('node update on a node without labels sends an empty label map', async () => {
  const run = await shoal('node', 'update', '--availability', 'active', 'node-1');
  assert.equal(run.requests[1]?.rawBody, '{"Labels":{},"Role":"manager","Availability":"active"}');
});

test("node promote and demote set the role through the same requests and print docker's messages", async () => {
  const promote = await shoal('node', 'promote', 'node-10', 'node-2');
  assert.equal(
    promote.stdout,
    'Node node-10 promoted to a manager in the swarm.\nNode k2b4pxz1q9s7d3f5h8j0m6n1r is already a manager.\n',
  );
  assert.deepEqual(
    promote.requests.map((r) => `${r.method} ${r.path}?${r.rawQuery}`),
    [
      'GET /v1.41/nodes/node-10?',
      'POST /v1.41/nodes/w9e7r5t3y1u2i4o6p8a0s2d4f/update?version=21',
      'GET /v1.41/nodes/node-2?',
    ],
  );
  assert.equal(
    promote.requests[1]?.rawBody,
    '{"Labels":{},"Role":"manager","Availability":"active"}',
  );
  const demote = await shoal('node', 'demote', 'node-1', 'node-3');
  assert.equal(
    demote.stdout,
    'Manager node-1 demoted in the swarm.\nNode q1w2e3r4t5y6u7i8o9p0a1s2d is already a worker.\n',
  );
  // node-1 has no labels: docker's client sends them as null.
  assert.equal(
    demote.requests[1]?.rawBody,
    '{"Labels":null,"Role":"worker","Availability":"drain"}',
  );
});

test("a failing update stops the run with the daemon's error", async () => {
  const failing = await startFixtureDaemon({
    'POST /nodes/:id/update': () => ({
      status: 400,
      json: {
        message:
          'rpc error: code = FailedPrecondition desc = attempting to demote the last manager of the swarm',
      },
    }),
  });
  try {
    const run = await runCli(['node', 'demote', 'node-2', 'node-1'], { host: failing.host });
    assert.equal(run.code, 1);
    assert.equal(run.stdout, '');
    assert.equal(
      run.stderr,
      'Error response from daemon: rpc error: code = FailedPrecondition desc = attempting to demote the last manager of the swarm\n',
    );
    assert.equal(failing.calls().length, 2);
  } finally {
    await failing.close();
  }
});

test('node rm deletes each node, with ?force=1 for -f, and reports failures at the end', async () => {
  const run = await shoal('node', 'rm', 'node-3', 'nope', 'node-10');
  assert.equal(run.stdout, 'node-3\nnode-10\n');
  assert.equal(run.stderr, 'Error response from daemon: node nope not found\n');
  assert.equal(run.code, 1);
  assert.deepEqual(
    run.requests.map((r) => `${r.method} ${r.path}${r.rawQuery ? `?${r.rawQuery}` : ''}`),
    ['DELETE /v1.41/nodes/node-3', 'DELETE /v1.41/nodes/nope', 'DELETE /v1.41/nodes/node-10'],
  );
  const forced = await shoal('node', 'remove', '--force', 'node-3');
  assert.deepEqual(
    forced.requests.map((r) => r.rawQuery),
    ['force=1'],
  );
});
