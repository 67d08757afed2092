import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FakeDaemon } from '../../support/fake-daemon.ts';
import { startFixtureDaemon } from '../../support/fixture-daemon.ts';
import { SELF_ID } from '../../support/fixtures.ts';
import { runCli } from '../../support/run-cli.ts';

let daemon: FakeDaemon;
before(async () => {
  daemon = await startFixtureDaemon();
});
after(() => daemon.close());

const shoal = (...argv: string[]) => runCli(argv, { host: daemon.host });

test("node ps lists this node's tasks in docker's table, history indented under each slot", async () => {
  const before = daemon.calls().length;
  const run = await shoal('node', 'ps');
  assert.equal(run.stderr, '');
  // Checked against docker 28's output for the same tasks at the same moment.
  assert.equal(
    run.stdout,
    [
      'ID             NAME                                                  IMAGE        NODE      DESIRED STATE   CURRENT STATE               ERROR                              PORTS',
      't9dddddddddd   gone0service1id2here3abcd.k2b4pxz1q9s7d3f5h8j0m6n1r   redis        primary   Running         Pending about an hour ago                                      ',
      't1aaaaaaaaaa   web.1                                                 nginx:1.25   primary   Running         Running 2 hours ago                                            ',
      't1bbbbbbbbbb    \\_ web.1                                             nginx:1.25   primary   Shutdown        Shutdown 3 days ago                                            ',
      't1cccccccccc    \\_ web.1                                             nginx:1.25   primary   Shutdown        Failed about a minute ago   "task: non-zero exit (137): th…"   *:8080->80/tcp',
      't2aaaaaaaaaa   web.2                                                 nginx:1.25   primary   Running         Running 2 seconds ago                                          ',
      '',
    ].join('\n'),
  );
  const filter = encodeURIComponent(`{"node":{"${SELF_ID}":true}}`);
  assert.deepEqual(daemon.calls().slice(before), [
    'GET /v1.41/info',
    `GET /v1.41/nodes/${SELF_ID}`,
    `GET /v1.41/tasks?filters=${filter}`,
    'GET /v1.41/services/svc9web1a2b3c4d5e6f7g8h9i?insertDefaults=false',
    'GET /v1.41/services/gone0service1id2here3abcd?insertDefaults=false',
    `GET /v1.41/nodes/${SELF_ID}`,
  ]);
});

test('--no-trunc keeps IDs, digests and errors whole; --no-resolve shows IDs; -q prints IDs', async () => {
  const full = await shoal('node', 'ps', '--no-trunc', '--no-resolve', 'node-2');
  const lines = full.stdout.split('\n');
  assert.match(
    lines[2] ?? '',
    /^t1aaaaaaaaaaaaaaaaaaaaaaa {3}svc9web1a2b3c4d5e6f7g8h9i\.1 +nginx:1\.25@sha256:4c0fdaa8b6341bfdeca5f18f7837462c80cff90527ee35ef185571e1c327beac {3}k2b4pxz1q9s7d3f5h8j0m6n1r {3}Running/,
  );
  assert.match(full.stdout, /"task: non-zero exit \(137\): the container was killed"/);
  const quiet = await shoal('node', 'ps', '-q');
  assert.equal(
    quiet.stdout,
    't9dddddddddd\nt1aaaaaaaaaa\nt1bbbbbbbbbb\nt1cccccccccc\nt2aaaaaaaaaa\n',
  );
  const custom = await shoal(
    'node',
    'ps',
    '--format',
    '{{.Name}}|{{.CurrentState}}',
    '-f',
    'desired-state=running',
  );
  // Outside a table, older tasks of a slot are not indented.
  assert.deepEqual(custom.stdout.split('\n').slice(1, 3), [
    'web.1|Running 2 hours ago',
    'web.1|Shutdown 3 days ago',
  ]);
});

test('extra filters go along with the node filter; failing nodes are reported after the table', async () => {
  const before = daemon.calls().length;
  const run = await shoal('node', 'ps', '-f', 'desired-state=running', 'node-2', 'nope');
  assert.equal(run.code, 1);
  assert.match(run.stdout, /^ID +NAME/);
  assert.equal(run.stderr, 'Error response from daemon: node nope not found\n');
  const filter = encodeURIComponent(
    `{"desired-state":{"running":true},"node":{"${SELF_ID}":true}}`,
  );
  assert.ok(daemon.calls().slice(before).includes(`GET /v1.41/tasks?filters=${filter}`));
});
