import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FakeDaemon } from '../../support/fake-daemon.ts';
import { startFixtureDaemon } from '../../support/fixture-daemon.ts';
import { SELF_ID, SWARM } from '../../support/fixtures.ts';
import { runCli, runRecorded } from '../../support/run-cli.ts';

let daemon: FakeDaemon;
before(async () => {
  daemon = await startFixtureDaemon();
});
after(() => daemon.close());

function shoal(...argv: string[]) {
  return runRecorded(daemon, argv);
}

const JOIN_PARAGRAPH =
  'To add a worker to this swarm, run the following command:\n\n' +
  `    shoal swarm join --token ${SWARM.JoinTokens.Worker} 192.0.2.2:2377\n\n`;

test("swarm init sends docker's request and prints the node, the worker join command and the manager hint", async () => {
  const run = await shoal('swarm', 'init');
  assert.equal(run.stderr, '');
  assert.equal(
    run.stdout,
    `Swarm initialized: current node (${SELF_ID}) is now a manager.\n\n` +
      JOIN_PARAGRAPH +
      "To add a manager to this swarm, run 'shoal swarm join-token manager' and follow the instructions.\n",
  );
  assert.deepEqual(
    run.requests.map((r) => `${r.method} ${r.path}`),
    ['POST /v1.41/swarm/init', `GET /v1.41/nodes/${SELF_ID}`, 'GET /v1.41/swarm'],
  );
  // Byte for byte what docker 28 sends for a bare `swarm init`.
  assert.equal(
    run.requests[0]?.rawBody,
    '{"ListenAddr":"0.0.0.0:2377","AdvertiseAddr":"","DataPathAddr":"","DataPathPort":0,"ForceNewCluster":false,' +
      '"Spec":{"Labels":null,"Orchestration":{},"Raft":{"ElectionTick":0,"HeartbeatTick":0},"Dispatcher":{},"CAConfig":{},' +
      '"TaskDefaults":{},"EncryptionConfig":{"AutoLockManagers":false}},"AutoLockManagers":false,"Availability":"",' +
      '"DefaultAddrPool":[],"SubnetSize":24}',
  );
});

test('swarm init flags land in the request as docker puts them; --autolock prints the unlock key', async () => {
  const run = await shoal(
    'swarm',
    'init',
    '--autolock',
    '--advertise-addr',
    '10.0.0.1',
    '--listen-addr',
    'eth0',
    '--cert-expiry',
    '24h',
    '--task-history-limit',
    '3',
    '--default-addr-pool',
    '10.20.1.0/16,10.30.0.0/16',
    '--default-addr-pool-mask-length',
    '26',
    '--dispatcher-heartbeat',
    '10s',
    '--force-new-cluster',
    '--availability',
    'DRAIN',
    '--max-snapshots',
    '2',
    '--snapshot-interval',
    '5',
    '--data-path-port',
    '5000',
    '--data-path-addr',
    '10.0.0.2',
  );
  assert.equal(run.stderr, '');
  assert.equal(
    run.requests[0]?.rawBody,
    '{"ListenAddr":"eth0:2377","AdvertiseAddr":"10.0.0.1","DataPathAddr":"10.0.0.2","DataPathPort":5000,"ForceNewCluster":true,' +
      '"Spec":{"Labels":null,"Orchestration":{"TaskHistoryRetentionLimit":3},' +
      '"Raft":{"SnapshotInterval":5,"KeepOldSnapshots":2,"ElectionTick":0,"HeartbeatTick":0},' +
      '"Dispatcher":{"HeartbeatPeriod":10000000000},"CAConfig":{"NodeCertExpiry":86400000000000},"TaskDefaults":{},' +
      '"EncryptionConfig":{"AutoLockManagers":true}},"AutoLockManagers":true,"Availability":"drain",' +
      '"DefaultAddrPool":["10.20.0.0/16","10.30.0.0/16"],"SubnetSize":26}',
  );
  assert.deepEqual(run.requests.map((r) => r.path).slice(-1), ['/v1.41/swarm/unlockkey']);
  assert.ok(
    run.stdout.endsWith(
      "To add a manager to this swarm, run 'shoal swarm join-token manager' and follow the instructions.\n" +
        'To unlock a swarm manager after it restarts, run the `shoal swarm unlock`\n' +
        'command and provide the following key:\n\n' +
        '    SWMKEY-1-7c37Cc8654o6p38HnroywCi19pllOnGtbdZEgtKxZu8\n\n' +
        'Remember to store this key in a password manager, since without it you\n' +
        'will not be able to restart the manager.\n',
    ),
  );
});

test('swarm init checks its flags before asking the daemon', async () => {
  const availability = await shoal('swarm', 'init', '--availability', 'sleepy');
  assert.equal(
    availability.stderr,
    'invalid availability "sleepy", only active, pause and drain are supported\n',
  );
  assert.equal(availability.requests.length, 0);
  const pool = await shoal('swarm', 'init', '--default-addr-pool', '10.0.0.0');
  assert.equal(pool.code, 125);
  assert.equal(
    pool.stderr,
    'invalid argument "10.0.0.0" for "--default-addr-pool" flag: invalid CIDR address: 10.0.0.0\nSee \'shoal swarm init --help\'.\n',
  );
  const args = await shoal('swarm', 'init', 'extra');
  assert.equal(
    args.stderr,
    '"shoal swarm init" accepts no arguments.\nSee \'shoal swarm init --help\'.\n\nUsage:  shoal swarm init [OPTIONS]\n\nInitialize a swarm\n',
  );
});

test("an address the daemon cannot choose gets docker's hint", async () => {
  const failing = await startFixtureDaemon({
    'POST /swarm/init': () => ({
      status: 400,
      json: {
        message:
          'could not choose an IP address to advertise since this system has multiple addresses on different interfaces (10.0.0.1 on eth0 and 10.0.1.1 on eth1)',
      },
    }),
  });
  try {
    const run = await runCli(['swarm', 'init'], { host: failing.host });
    assert.equal(run.code, 1);
    assert.equal(
      run.stderr,
      'Error response from daemon: could not choose an IP address to advertise since this system has multiple addresses on different interfaces (10.0.0.1 on eth0 and 10.0.1.1 on eth1) - specify one with --advertise-addr\n',
    );
  } finally {
    await failing.close();
  }
});
