import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FakeDaemon } from '../../support/fake-daemon.ts';
import { startFixtureDaemon } from '../../support/fixture-daemon.ts';
import { SELF_ID, SWARM, SWARM_INFO } from '../../support/fixtures.ts';
import { runRecorded } from '../../support/run-cli.ts';

let daemon: FakeDaemon;
let controlAvailable = true;
before(async () => {
  daemon = await startFixtureDaemon({
    'GET /info': () => ({ json: { Swarm: { ...SWARM_INFO, ControlAvailable: controlAvailable } } }),
  });
});
after(() => daemon.close());

function shoal(...argv: string[]) {
  return runRecorded(daemon, argv);
}

test("swarm join posts docker's join request, then tells the role from /info", async () => {
  controlAvailable = false;
  const worker = await shoal('swarm', 'join', '--token', 'SWMTKN-1-abc', '192.0.2.2:2377');
  assert.equal(worker.stdout, 'This node joined a swarm as a worker.\n');
  assert.deepEqual(
    worker.requests.map((r) => `${r.method} ${r.path}`),
    ['POST /v1.41/swarm/join', 'GET /v1.41/info'],
  );
  assert.equal(
    worker.requests[0]?.rawBody,
    '{"ListenAddr":"0.0.0.0:2377","AdvertiseAddr":"","DataPathAddr":"","RemoteAddrs":["192.0.2.2:2377"],"JoinToken":"SWMTKN-1-abc","Availability":""}',
  );
  controlAvailable = true;
  const manager = await shoal(
    'swarm',
    'join',
    '--token',
    'T',
    '--advertise-addr',
    'eth0',
    '--listen-addr',
    ':4000',
    '--availability',
    'pause',
    '192.0.2.2',
  );
  assert.equal(manager.stdout, 'This node joined a swarm as a manager.\n');
  assert.deepEqual(manager.requests[0]?.body, {
    ListenAddr: '0.0.0.0:4000',
    AdvertiseAddr: 'eth0',
    DataPathAddr: '',
    RemoteAddrs: ['192.0.2.2'],
    JoinToken: 'T',
    Availability: 'pause',
  });
  const missing = await shoal('swarm', 'join', '--token', 'T');
  assert.equal(missing.code, 1);
  assert.match(
    missing.stderr,
    /^"shoal swarm join" requires exactly 1 argument\.\nSee 'shoal swarm join --help'\.\n\nUsage: {2}shoal swarm join \[OPTIONS\] HOST:PORT\n\nJoin a swarm as a node and\/or manager\n$/,
  );
});

test('swarm leave posts /swarm/leave, with ?force=1 for -f', async () => {
  const run = await shoal('swarm', 'leave');
  assert.equal(run.stdout, 'Node left the swarm.\n');
  const forced = await shoal('swarm', 'leave', '-f');
  assert.deepEqual(
    [...run.requests, ...forced.requests].map(
      (r) => `${r.method} ${r.path}${r.rawQuery ? `?${r.rawQuery}` : ''}`,
    ),
    ['POST /v1.41/swarm/leave', 'POST /v1.41/swarm/leave?force=1'],
  );
});

test('swarm join-token prints the join paragraph; -q the token; --rotate rotates first', async () => {
  const worker = await shoal('swarm', 'join-token', 'worker');
  assert.equal(
    worker.stdout,
    `To add a worker to this swarm, run the following command:\n\n    shoal swarm join --token ${SWARM.JoinTokens.Worker} 192.0.2.2:2377\n\n`,
  );
  assert.deepEqual(
    worker.requests.map((r) => r.path),
    ['/v1.41/swarm', '/v1.41/info', `/v1.41/nodes/${SELF_ID}`, '/v1.41/swarm'],
  );
  const quiet = await shoal('swarm', 'join-token', '-q', 'manager');
  assert.equal(quiet.stdout, `${SWARM.JoinTokens.Manager}\n`);
  const rotate = await shoal('swarm', 'join-token', '--rotate', 'manager');
  assert.match(
    rotate.stdout,
    /^Successfully rotated manager join token\.\n\nTo add a manager to this swarm, run the following command:\n\n {4}shoal swarm join --token SWMTKN-1-\w+-7p73s1dx5in4tatdymyhg9hu2 192\.0\.2\.2:2377\n\n$/,
  );
  const update = rotate.requests[1];
  assert.equal(
    `${update?.method} ${update?.path}?${update?.rawQuery}`,
    'POST /v1.41/swarm/update?rotateManagerToken=true&rotateManagerUnlockKey=false&rotateWorkerToken=false&version=42',
  );
  assert.deepEqual(update?.body, SWARM.Spec);
  const bad = await shoal('swarm', 'join-token', 'bogus');
  assert.equal(bad.stderr, 'unknown role bogus\n');
  assert.equal(bad.requests.length, 0);
});
