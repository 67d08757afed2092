import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FakeDaemon } from '../../support/fake-daemon.ts';
import { startFixtureDaemon } from '../../support/fixture-daemon.ts';
import { SWARM } from '../../support/fixtures.ts';
import { runCli, runRecorded } from '../../support/run-cli.ts';

let daemon: FakeDaemon;
let autolocked = false;
before(async () => {
  daemon = await startFixtureDaemon({
    'GET /swarm': () => ({
      json: {
        ...SWARM,
        Spec: { ...SWARM.Spec, EncryptionConfig: { AutoLockManagers: autolocked } },
      },
    }),
  });
});
after(() => daemon.close());

function shoal(...argv: string[]) {
  return runRecorded(daemon, argv);
}

const UNLOCK_PARAGRAPH =
  'To unlock a swarm manager after it restarts, run the `shoal swarm unlock`\n' +
  'command and provide the following key:\n\n' +
  '    SWMKEY-1-7c37Cc8654o6p38HnroywCi19pllOnGtbdZEgtKxZu8\n\n' +
  'Remember to store this key in a password manager, since without it you\n' +
  'will not be able to restart the manager.\n';

test('swarm update merges only the flags given into the whole spec and posts it with ?version=', async () => {
  autolocked = false;
  const run = await shoal(
    'swarm',
    'update',
    '--cert-expiry',
    '48h',
    '--task-history-limit',
    '2',
    '--dispatcher-heartbeat',
    '1m',
  );
  assert.equal(run.stdout, 'Swarm updated.\n');
  assert.deepEqual(
    run.requests.map((r) => `${r.method} ${r.path}${r.rawQuery ? `?${r.rawQuery}` : ''}`),
    [
      'GET /v1.41/swarm',
      'POST /v1.41/swarm/update?rotateManagerToken=false&rotateManagerUnlockKey=false&rotateWorkerToken=false&version=42',
    ],
  );
  assert.equal(
    run.requests[1]?.rawBody,
    '{"Name":"default","Labels":{},"Orchestration":{"TaskHistoryRetentionLimit":2},' +
      '"Raft":{"SnapshotInterval":10000,"KeepOldSnapshots":0,"LogEntriesForSlowFollowers":500,"ElectionTick":10,"HeartbeatTick":1},' +
      '"Dispatcher":{"HeartbeatPeriod":60000000000},"CAConfig":{"NodeCertExpiry":172800000000000},"TaskDefaults":{},' +
      '"EncryptionConfig":{"AutoLockManagers":false}}',
  );
});

test('turning autolock on prints the unlock key; --autolock=false turns it off quietly', async () => {
  autolocked = false;
  const on = await shoal('swarm', 'update', '--autolock');
  assert.equal(on.stdout, `Swarm updated.\n${UNLOCK_PARAGRAPH}`);
  assert.deepEqual(
    on.requests.map((r) => r.path),
    ['/v1.41/swarm', '/v1.41/swarm/update', '/v1.41/swarm/unlockkey'],
  );
  autolocked = true;
  const off = await shoal('swarm', 'update', '--autolock=false');
  assert.equal(off.stdout, 'Swarm updated.\n');
  assert.deepEqual((off.requests[1]?.body as { EncryptionConfig: unknown }).EncryptionConfig, {
    AutoLockManagers: false,
  });
  const again = await shoal('swarm', 'update', '--autolock=true');
  assert.equal(again.stdout, 'Swarm updated.\n');
});

test('external CAs take the cluster root when they name no certificate', async () => {
  const run = await shoal(
    'swarm',
    'update',
    '--external-ca',
    'protocol=cfssl,url=https://ca.example:8888,foo=bar',
  );
  const spec = run.requests[1]?.body as { CAConfig: unknown };
  assert.deepEqual(spec.CAConfig, {
    NodeCertExpiry: 7_776_000_000_000_000,
    ExternalCAs: [
      {
        Protocol: 'cfssl',
        URL: 'https://ca.example:8888',
        Options: { foo: 'bar' },
        CACert: SWARM.TLSInfo.TrustRoot,
      },
    ],
  });
});

test('swarm update without flags prints its help and asks nothing', async () => {
  const run = await shoal('swarm', 'update');
  assert.equal(run.code, 0);
  assert.match(run.stdout, /^Usage: shoal swarm update \[OPTIONS\]\n\nUpdate the swarm\n/);
  assert.match(run.stdout, /--cert-expiry <duration> +Validity period for node certificates/);
  assert.equal(run.requests.length, 0);
  const bad = await shoal('swarm', 'update', '--autolock=maybe');
  assert.equal(bad.code, 125);
  assert.equal(
    bad.stderr,
    'invalid argument "maybe" for "--autolock" flag: strconv.ParseBool: parsing "maybe": invalid syntax\nSee \'shoal swarm update --help\'.\n',
  );
});

test('swarm unlock-key prints the key paragraph, -q the key, and --rotate needs autolock', async () => {
  const plain = await shoal('swarm', 'unlock-key');
  assert.equal(plain.stdout, UNLOCK_PARAGRAPH);
  const quiet = await shoal('swarm', 'unlock-key', '-q');
  assert.equal(quiet.stdout, 'SWMKEY-1-7c37Cc8654o6p38HnroywCi19pllOnGtbdZEgtKxZu8\n');
  autolocked = false;
  const refused = await shoal('swarm', 'unlock-key', '--rotate');
  assert.equal(refused.stderr, 'cannot rotate because autolock is not turned on\n');
  assert.equal(refused.code, 1);
  autolocked = true;
  const rotated = await shoal('swarm', 'unlock-key', '--rotate');
  assert.equal(rotated.stdout, `Successfully rotated manager unlock key.\n${UNLOCK_PARAGRAPH}`);
  assert.equal(
    rotated.requests[1]?.rawQuery,
    'rotateManagerToken=false&rotateManagerUnlockKey=true&rotateWorkerToken=false&version=42',
  );
  const rotatedQuiet = await shoal('swarm', 'unlock-key', '--rotate', '-q');
  assert.equal(rotatedQuiet.stdout, 'SWMKEY-1-7c37Cc8654o6p38HnroywCi19pllOnGtbdZEgtKxZu8\n');
});

test('swarm unlock-key reports an unset key and a failing daemon as docker does', async () => {
  const empty = await startFixtureDaemon({
    'GET /swarm/unlockkey': () => ({ json: { UnlockKey: '' } }),
  });
  const failing = await startFixtureDaemon({
    'GET /swarm/unlockkey': () => ({ status: 503, json: { message: 'swarm is locked' } }),
  });
  try {
    const none = await runCli(['swarm', 'unlock-key'], { host: empty.host });
    assert.equal(none.stderr, 'no unlock key is set\n');
    const down = await runCli(['swarm', 'unlock-key'], { host: failing.host });
    assert.equal(
      down.stderr,
      'could not fetch unlock key: Error response from daemon: swarm is locked\n',
    );
  } finally {
    await empty.close();
    await failing.close();
  }
});
