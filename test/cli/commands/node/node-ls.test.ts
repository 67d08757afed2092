import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FakeDaemon } from '../../support/fake-daemon.ts';
import { startFixtureDaemon } from '../../support/fixture-daemon.ts';
import { NODES } from '../../support/fixtures.ts';
import { runCli } from '../../support/run-cli.ts';

let daemon: FakeDaemon;
before(async () => {
  // A name filter of "empty" lists no nodes.
  daemon = await startFixtureDaemon({
    'GET /nodes': (r) => ({ json: r.rawQuery.includes('empty') ? [] : NODES }),
  });
});
after(() => daemon.close());

const shoal = (...argv: string[]) => runCli(argv, { host: daemon.host });

test("node ls prints docker's table: natural hostname order, * for this node, exact spacing", async () => {
  const before = daemon.requests.length;
  const run = await shoal('node', 'ls');
  assert.equal(run.stderr, '');
  assert.equal(run.code, 0);
  // Checked against docker 28's output for the same nodes.
  assert.equal(
    run.stdout,
    [
      'ID                            HOSTNAME   STATUS         AVAILABILITY   MANAGER STATUS   ENGINE VERSION',
      'm3n5b7v9c1x2z4l6k8j0h2g4f     node-1     Down           Drain          Unreachable      ',
      'k2b4pxz1q9s7d3f5h8j0m6n1r *   node-2     Ready          Active         Leader           0.1.0',
      'q1w2e3r4t5y6u7i8o9p0a1s2d     node-3     Disconnected   Pause                           20.10.24',
      'w9e7r5t3y1u2i4o6p8a0s2d4f     node-10    Ready          Active                          0.1.0',
      '',
    ].join('\n'),
  );
  assert.deepEqual(
    daemon.requests.slice(before).map((r) => `${r.method} ${r.path}`),
    ['HEAD /_ping', 'GET /v1.41/nodes', 'GET /v1.41/info'],
  );
});

test('node ls -q prints IDs only and does not ask /info', async () => {
  const before = daemon.calls().length;
  const run = await shoal('node', 'ls', '-q');
  assert.equal(
    run.stdout,
    'm3n5b7v9c1x2z4l6k8j0h2g4f\nk2b4pxz1q9s7d3f5h8j0m6n1r\nq1w2e3r4t5y6u7i8o9p0a1s2d\nw9e7r5t3y1u2i4o6p8a0s2d4f\n',
  );
  assert.deepEqual(daemon.calls().slice(before), ['GET /v1.41/nodes']);
});

test("filters are sent in docker's encoding; an empty list prints the header only, without /info", async () => {
  const before = daemon.calls().length;
  const run = await shoal(
    'node',
    'ls',
    '-f',
    'role=manager',
    '--filter',
    'label=a=b',
    '-f',
    'name=empty',
  );
  assert.equal(
    run.stdout,
    'ID        HOSTNAME   STATUS    AVAILABILITY   MANAGER STATUS   ENGINE VERSION\n',
  );
  assert.deepEqual(daemon.calls().slice(before), [
    'GET /v1.41/nodes?filters=' +
      encodeURIComponent(
        '{"label":{"a=b":true},"name":{"empty":true},"role":{"manager":true}}',
      ).replaceAll('%20', '+'),
  ]);
});

test('--format: custom tables, json rows, raw and header-only tables', async () => {
  const table = await shoal(
    'node',
    'ls',
    '--format',
    'table {{.Hostname}}: {{upper .Status}}\\t{{.TLSStatus}}',
  );
  assert.equal(
    table.stdout,
    'HOSTNAME: STATUS       TLS STATUS\nnode-1: DOWN           Unknown\nnode-2: READY          Ready\nnode-3: DISCONNECTED   Unknown\nnode-10: READY         Unknown\n',
  );
  const json = await shoal('node', 'ls', '--format', '{{json .}}');
  assert.equal(
    json.stdout.split('\n')[1],
    '{"Availability":"Active","EngineVersion":"0.1.0","Hostname":"node-2","ID":"k2b4pxz1q9s7d3f5h8j0m6n1r","ManagerStatus":"Leader","Self":true,"Status":"Ready","TLSStatus":"Ready"}',
  );
  const raw = await shoal('node', 'ls', '--format', 'raw');
  assert.match(
    raw.stdout,
    /^node_id: m3n5b7v9c1x2z4l6k8j0h2g4f\nhostname: node-1\nstatus: Down\navailability: Drain\nmanager_status: Unreachable\n\n/,
  );
  const ids = await shoal('node', 'ls', '--format', '{{.ID}} {{if .Self}}(me){{end}}');
  assert.equal(ids.stdout.split('\n')[1], 'k2b4pxz1q9s7d3f5h8j0m6n1r (me)');
});

test("a bad --format fails with docker's template error and prints nothing", async () => {
  const run = await shoal('node', 'ls', '--format', '{{.Foo}}');
  assert.equal(run.code, 1);
  assert.equal(run.stdout, '');
  assert.equal(
    run.stderr,
    'template parsing error: template: :1:2: executing "" at <.Foo>: can\'t evaluate field Foo in type *node.nodeContext\n',
  );
});

test('daemon errors are printed as docker prints them, with exit status 1', async () => {
  const failing = await startFixtureDaemon({
    'GET /nodes': () => ({
      status: 503,
      json: {
        message:
          'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.',
      },
    }),
  });
  try {
    const run = await runCli(['node', 'ls'], { host: failing.host });
    assert.equal(run.code, 1);
    assert.equal(run.stdout, '');
    assert.equal(
      run.stderr,
      'Error response from daemon: This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.\n',
    );
  } finally {
    await failing.close();
  }
});
