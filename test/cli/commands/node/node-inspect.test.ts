import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FakeDaemon } from '../../support/fake-daemon.ts';
import { startFixtureDaemon } from '../../support/fixture-daemon.ts';
import { runCli } from '../../support/run-cli.ts';

let daemon: FakeDaemon;
before(async () => {
  daemon = await startFixtureDaemon();
});
after(() => daemon.close());

const shoal = (...argv: string[]) => runCli(argv, { host: daemon.host });

// Both layouts were checked byte for byte against docker 28's `node inspect --pretty`.
const PRETTY_SELF = [
  'ID:\t\t\tk2b4pxz1q9s7d3f5h8j0m6n1r',
  'Name:\t\t\tprimary',
  'Labels:',
  ' - ssd',
  ' - zone=east',
  'Hostname:              \tnode-2',
  'Joined at:             \t2024-05-01 09:30:15.25 +0000 utc',
  'Status:',
  ' State:\t\t\tReady',
  ' Availability:         \tActive',
  ' Address:\t\t192.0.2.2',
  'Manager Status:',
  ' Address:\t\t192.0.2.2:2377',
  ' Raft Status:\t\tReachable',
  ' Leader:\t\tYes',
  'Platform:',
  ' Operating System:\tlinux',
  ' Architecture:\t\tx86_64',
  'Resources:',
  ' CPUs:\t\t\t4',
  ' Memory:\t\t7.766GiB',
  'Plugins:',
  ' Log:\t\tjson-file',
  ' Network:\t\toverlay, bridge',
  'Engine Version:\t\t0.1.0',
  'Engine Labels:',
  ' - executor=process',
  'TLS Info:',
  ' TrustRoot:',
  '-----BEGIN CERTIFICATE-----',
  'MIIBazCCARCgAwIBAgIUfake',
  '-----END CERTIFICATE-----',
  '',
  ' Issuer Subject:\tMBMxETAPBgNVBAMTCHN3YXJtLWNh',
  ' Issuer Public Key:\tMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEfake',
  '',
].join('\n');

const PRETTY_DOWN_MANAGER = [
  'ID:\t\t\tm3n5b7v9c1x2z4l6k8j0h2g4f',
  'Hostname:              \tnode-1',
  'Joined at:             \t2024-05-01 10:00:00 +0000 utc',
  'Status:',
  ' State:\t\t\tDown',
  ' Message:              \tHeartbeat failure',
  ' Availability:         \tDrain',
  ' Address:\t\t192.0.2.1',
  'Manager Status:',
  ' Address:\t\t192.0.2.1:2377',
  ' Raft Status:\t\tUnreachable',
  ' Leader:\t\tNo',
  'Platform:',
  ' Operating System:\t',
  ' Architecture:\t\t',
  'Resources:',
  ' CPUs:\t\t\t0',
  ' Memory:\t\t',
  'Engine Version:\t\t',
  '',
].join('\n');

test('inspect --pretty lays out a node exactly as docker does; self is looked up through /info', async () => {
  const before = daemon.calls().length;
  const run = await shoal('node', 'inspect', '--pretty', 'self', 'node-1');
  assert.equal(run.stderr, '');
  assert.equal(run.stdout, PRETTY_SELF + PRETTY_DOWN_MANAGER);
  assert.deepEqual(daemon.calls().slice(before), [
    'GET /v1.41/info',
    'GET /v1.41/nodes/k2b4pxz1q9s7d3f5h8j0m6n1r',
    'GET /v1.41/nodes/node-1',
  ]);
});

test('inspect prints the nodes as one JSON array, indented, maps sorted, times as Go writes them', async () => {
  const run = await shoal('node', 'inspect', 'node-1');
  assert.equal(
    run.stdout,
    [
      '[',
      '    {',
      '        "ID": "m3n5b7v9c1x2z4l6k8j0h2g4f",',
      '        "Version": {',
      '            "Index": 12',
      '        },',
      '        "CreatedAt": "2024-05-01T10:00:00Z",',
      '        "UpdatedAt": "2024-05-30T08:00:00Z",',
      '        "Spec": {',
      '            "Role": "manager",',
      '            "Availability": "drain"',
      '        },',
      '        "Description": {',
      '            "Hostname": "node-1",',
      '            "Engine": {}',
      '        },',
      '        "Status": {',
      '            "State": "down",',
      '            "Message": "heartbeat failure",',
      '            "Addr": "192.0.2.1"',
      '        },',
      '        "ManagerStatus": {',
      '            "Reachability": "unreachable",',
      '            "Addr": "192.0.2.1:2377"',
      '        }',
      '    }',
      ']',
      '',
    ].join('\n'),
  );
  const self = await shoal('node', 'inspect', 'self');
  assert.match(self.stdout, /"CreatedAt": "2024-05-01T09:30:15\.25Z",\n/);
  assert.match(self.stdout, /"Labels": \{\n {16}"ssd": "",\n {16}"zone": "east"\n/);
});

test('inspect --format runs the template per node; Go times print as time.Time', async () => {
  const run = await shoal(
    'node',
    'inspect',
    '-f',
    '{{.Description.Hostname}} {{.CreatedAt}} {{index .Spec.Labels "zone"}} {{json .Spec.Labels}}',
    'self',
    'node-3',
  );
  assert.equal(
    run.stdout,
    'node-2 2024-05-01 09:30:15.25 +0000 UTC east {"ssd":"","zone":"east"}\n' +
      'node-3 2024-05-01 10:00:00 +0000 UTC  {}\n',
  );
});

test('nodes that fail are reported after the others, with exit status 1', async () => {
  const run = await shoal('node', 'inspect', 'node-1', 'nope', 'gone');
  assert.equal(run.code, 1);
  assert.match(run.stdout, /^\[\n {4}\{\n {8}"ID": "m3n5b7v9c1x2z4l6k8j0h2g4f"/);
  assert.equal(
    run.stderr,
    'Error response from daemon: node nope not found\nError response from daemon: node gone not found\n',
  );
  const none = await shoal('node', 'inspect', 'nope');
  assert.equal(none.stdout, '[]\n');
  const templated = await shoal('node', 'inspect', '-f', '{{.ID}}', 'nope');
  assert.equal(templated.stdout, '\n');
  assert.equal(templated.code, 1);
});

test('pretty output fails whole at the first bad node; extra pretty options are refused', async () => {
  const run = await shoal('node', 'inspect', '--pretty', 'self', 'nope');
  assert.equal(run.stdout, '');
  assert.equal(run.stderr, 'Error response from daemon: node nope not found\n');
  const mixed = await shoal('node', 'inspect', '--format', 'pretty {{.ID}}', 'self');
  assert.equal(mixed.stderr, 'Cannot supply extra formatting options to the pretty template\n');
  const bad = await shoal('node', 'inspect', '-f', '{{.ID', 'self');
  assert.equal(bad.code, 1);
  assert.equal(bad.stderr, 'template parsing error: template: :1: unclosed action\n');
});
