import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import type { TextSource } from '../../../../src/cli/cli-io.ts';
import type { FakeDaemon } from '../../support/fake-daemon.ts';
import { startFixtureDaemon } from '../../support/fixture-daemon.ts';
import { SWARM_INFO } from '../../support/fixtures.ts';
import { runRecorded } from '../../support/run-cli.ts';

let daemon: FakeDaemon;
let state = 'locked';
before(async () => {
  daemon = await startFixtureDaemon({
    'GET /info': () => ({ json: { Swarm: { ...SWARM_INFO, LocalNodeState: state } } }),
    'POST /swarm/unlock': (r) =>
      (r.body as { UnlockKey: string }).UnlockKey === 'SWMKEY-1-good'
        ? { status: 200 }
        : { status: 401, json: { message: 'swarm could not be unlocked: invalid key provided' } },
  });
});
after(() => daemon.close());

function shoal(argv: string[], stdin?: string | TextSource) {
  return runRecorded(daemon, argv, stdin === undefined ? {} : { stdin });
}

test('swarm unlock reads the key from piped input and posts it', async () => {
  state = 'locked';
  const run = await shoal(['swarm', 'unlock'], '  SWMKEY-1-good  \nignored\n');
  assert.equal(run.code, 0);
  assert.equal(run.stdout, '');
  assert.deepEqual(
    run.requests.map((r) => `${r.method} ${r.path}`),
    ['GET /v1.41/info', 'POST /v1.41/swarm/unlock'],
  );
  assert.equal(run.requests[1]?.rawBody, '{"UnlockKey":"SWMKEY-1-good"}');
  const wrong = await shoal(['swarm', 'unlock'], 'SWMKEY-1-bad');
  assert.equal(wrong.code, 1);
  assert.equal(
    wrong.stderr,
    'Error response from daemon: swarm could not be unlocked: invalid key provided\n',
  );
});

test('on a terminal it prompts and reads the key without echo', async () => {
  state = 'locked';
  const modes: boolean[] = [];
  const tty = Object.assign(new PassThrough(), {
    isTTY: true,
    setRawMode: (mode: boolean) => modes.push(mode),
  });
  setImmediate(() => tty.write('SWMKEY-1-goox\u007fd\r'));
  const run = await shoal(['swarm', 'unlock'], tty);
  assert.equal(run.stdout, 'Please enter unlock key: \n');
  assert.equal(run.requests[1]?.rawBody, '{"UnlockKey":"SWMKEY-1-good"}');
  assert.deepEqual(modes, [true, false]);
});

test('a node that is not locked is told so without being asked for a key', async () => {
  state = 'inactive';
  const inactive = await shoal(['swarm', 'unlock'], 'SWMKEY-1-good');
  assert.equal(inactive.stderr, 'error: this node is not part of a swarm\n');
  state = 'active';
  const active = await shoal(['swarm', 'unlock'], 'SWMKEY-1-good');
  assert.equal(active.stderr, 'error: swarm is not locked\n');
  assert.deepEqual(
    active.requests.map((r) => r.path),
    ['/v1.41/info'],
  );
});
