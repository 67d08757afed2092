import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { describeNode } from '../../../src/agent/session/node-description.ts';
import { Session } from '../../../src/agent/session/session.ts';
import { ManualClock } from '../../../src/base/clock.ts';
import { ShoalError } from '../../../src/base/errors.ts';
import type { Rng } from '../../../src/base/rng.ts';
import type { MethodSpec } from '../../../src/manager/rpc/rpc-methods.ts';
import { rpcError } from '../../../src/manager/rpc/rpc-errors.ts';

/** An Rng stuck at 0: heartbeats exactly at the period, backoffs at half their cap. */
const zeroRng: Rng = { next: () => 0, int: () => 0, fork: () => zeroRng };

const description = describeNode({
  hostname: 'w1',
  architecture: 'x86_64',
  os: 'linux',
  cpus: 2,
  memoryBytes: 1024,
  engineVersion: '0.1.0',
  executor: 'process',
});

interface Call {
  readonly address: string;
  readonly method: string;
  readonly request: unknown;
}

type Answer = (method: string, signal: AbortSignal | undefined) => unknown;

/** A scripted RpcClient: each address answers through its function (throw to fail). */
class FakeRpc {
  readonly calls: Call[] = [];
  readonly answers = new Map<string, Answer>();

  call<Req, Res>(
    address: string,
    spec: MethodSpec<Req, Res>,
    request: Req,
    options: { signal?: AbortSignal } = {},
  ): Promise<Res> {
    this.calls.push({ address, method: spec.name, request });
    const answer = this.answers.get(address);
    if (!answer) return Promise.reject(rpcError('RPC_UNAVAILABLE', `${address} is down`));
    // An answer that throws becomes a rejected call, as a server error would.
    return new Promise<Res>((resolve) => resolve(answer(spec.name, options.signal) as Res));
  }

  heartbeats(): Call[] {
    return this.calls.filter((c) => c.method === 'dispatcher.heartbeat');
  }
}

const leaderAnswer =
  (periodMs: number, managers: string[] = []): Answer =>
  () => ({ periodMs, managers });

const notLeaderAnswer =
  (leaderAddr: string, managers: string[]): Answer =>
  (method) => {
    if (method === 'dispatcher.managers') return { leaderAddr, managers };
    throw new ShoalError('MANAGER_NOT_LEADER', 'not the leader', { status: 503 });
  };

/** Lets the session's promise chain run after a timer fired. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

let session: Session | undefined;
afterEach(async () => {
  await session?.stop();
  session = undefined;
});

function started(managers: string[]) {
  const clock = new ManualClock(1_000);
  const rpc = new FakeRpc();
  session = new Session({ managers, description }, { clock, rng: zeroRng, rpc });
  const step = async (ms: number) => {
    clock.advance(ms);
    await settle();
  };
  return { clock, rpc, session, step };
}

test('heartbeats at the returned period, with the description only on the first', async () => {
  const { rpc, session, step } = started(['a:1']);
  rpc.answers.set('a:1', leaderAnswer(500, ['a:1', 'b:1']));
  session.start();
  await step(0);
  assert.equal(rpc.heartbeats().length, 1);
  assert.deepEqual(rpc.heartbeats()[0]?.request, { description });
  assert.deepEqual(session.status(), {
    state: 'connected',
    manager: 'a:1',
    lastSuccessAt: 1_000,
    failures: 0,
    managers: ['a:1', 'b:1'],
  });
  await step(499);
  assert.equal(rpc.heartbeats().length, 1, 'not before the period');
  await step(1);
  assert.equal(rpc.heartbeats().length, 2);
  assert.deepEqual(rpc.heartbeats()[1]?.request, {});
  assert.equal(session.status().lastSuccessAt, 1_500);
});

test('after a leader is lost, retries never wait longer than the last heartbeat period', async () => {
  const { rpc, session, step } = started(['a:1', 'b:1']);
  rpc.answers.set('a:1', leaderAnswer(400));
  session.start();
  await step(0);
  assert.equal(session.status().state, 'connected');
  // Every manager is down or electing for a while: the backoff grows only up to 400 ms
  // (200 ms with r = 0), where uncapped it would reach seconds.
  rpc.answers.clear();
  await step(400);
  for (let i = 0; i < 12; i++) await step(200);
  const times = rpc.heartbeats().length;
  assert.ok(times >= 10, `${times} heartbeats in 2.8 s`);
  rpc.answers.set('b:1', leaderAnswer(400));
  await step(200);
  assert.equal(session.status().state, 'connected');
  assert.equal(session.status().manager, 'b:1');
});

test('MANAGER_NOT_LEADER: asks that manager for the leader and goes there at once', async () => {
  const { rpc, session, step } = started(['b:1']);
  rpc.answers.set('b:1', notLeaderAnswer('c:1', ['b:1', 'c:1']));
  rpc.answers.set('c:1', leaderAnswer(5_000));
  session.start();
  await step(0);
  await step(0);
  assert.deepEqual(
    rpc.calls.map((c) => `${c.address} ${c.method}`),
    ['b:1 dispatcher.heartbeat', 'b:1 dispatcher.managers', 'c:1 dispatcher.heartbeat'],
  );
  assert.deepEqual(rpc.heartbeats()[1]?.request, { description });
  assert.equal(session.status().manager, 'c:1');
  assert.deepEqual(session.status().managers, ['b:1', 'c:1']);
});

test('two managers naming each other: immediate redirects are bounded, then backoff', async () => {
  const { rpc, session, step } = started(['a:1', 'b:1']);
  rpc.answers.set('a:1', notLeaderAnswer('b:1', ['a:1', 'b:1']));
  rpc.answers.set('b:1', notLeaderAnswer('a:1', ['a:1', 'b:1']));
  session.start();
  for (let i = 0; i < 5; i++) await step(0);
  assert.equal(rpc.heartbeats().length, 3, 'two redirects at once, then the third waits');
  assert.equal(session.status().failures, 3);
  assert.equal(session.status().lastError?.code, 'MANAGER_NOT_LEADER');
  await step(199);
  assert.equal(rpc.heartbeats().length, 3, 'backoff of 3 failures with r=0: 200 ms');
  await step(1);
  assert.equal(rpc.heartbeats().length, 4);
});

test('an unreachable manager: next one after a growing backoff, reset on success', async () => {
  const { rpc, session, step } = started(['a:1', 'b:1', 'c:1']);
  session.start();
  await step(0);
  assert.equal(session.status().state, 'connecting');
  assert.equal(session.status().lastError?.code, 'RPC_UNAVAILABLE');
  await step(49);
  assert.equal(rpc.heartbeats().length, 1);
  await step(1);
  assert.deepEqual(
    rpc.heartbeats().map((c) => c.address),
    ['a:1', 'b:1'],
  );
  rpc.answers.set('c:1', leaderAnswer(1_000));
  await step(99);
  assert.equal(rpc.heartbeats().length, 2, 'second backoff is 100 ms');
  await step(1);
  assert.equal(session.status().state, 'connected');
  assert.equal(session.status().manager, 'c:1');
  assert.equal(session.status().failures, 0);

  // The leader goes away: the session fails over, and re-sends its description.
  rpc.answers.delete('c:1');
  rpc.answers.set('a:1', leaderAnswer(1_000));
  await step(1_000);
  await step(50);
  assert.deepEqual(rpc.heartbeats().at(-1), {
    address: 'a:1',
    method: 'dispatcher.heartbeat',
    request: { description },
  });
  assert.equal(session.status().manager, 'a:1');
});

test('a refused certificate stops the session for good', async () => {
  const { rpc, session, step } = started(['a:1']);
  rpc.answers.set('a:1', () => {
    throw new ShoalError('CA_NODE_REMOVED', 'removed', { status: 403 });
  });
  session.start();
  await step(0);
  assert.equal(session.status().state, 'refused');
  await step(60_000);
  assert.equal(rpc.calls.length, 1);
});

test('stop cancels the call in flight and the next heartbeat', async () => {
  const { clock, rpc, session, step } = started(['a:1']);
  let aborted = false;
  rpc.answers.set('a:1', (_method, signal) => {
    return new Promise((_resolve, reject) =>
      signal?.addEventListener('abort', () => {
        aborted = true;
        reject(signal.reason as Error);
      }),
    );
  });
  session.start();
  await step(0);
  await session.stop();
  assert.equal(aborted, true);
  assert.equal(session.status().state, 'stopped');
  assert.equal(clock.pending(), 0);
  await step(10_000);
  assert.equal(rpc.calls.length, 1);
});

test('no manager known: keeps retrying with backoff', async () => {
  const { clock, session, step } = started([]);
  session.start();
  await step(0);
  assert.equal(session.status().state, 'connecting');
  assert.equal(session.status().lastError?.code, 'RPC_UNAVAILABLE');
  assert.equal(clock.pending(), 1);
});

test('a call that outlives a stop and restart does not start a second loop', async () => {
  const { rpc, session, step } = started(['a:1']);
  const pending: ((reply: unknown) => void)[] = [];
  rpc.answers.set('a:1', () => new Promise((resolve) => pending.push(resolve)));
  session.start();
  await step(0);
  const stopping = session.stop();
  session.start();
  await step(0);
  for (const resolve of pending.splice(0)) resolve({ periodMs: 100, managers: [] });
  await stopping;
  await step(0);
  rpc.answers.set('a:1', leaderAnswer(100));
  await step(100);
  assert.equal(rpc.heartbeats().length, 3, 'one call per period, from the new loop only');
});

test('the role the managers want is passed on with every accepted heartbeat', async () => {
  const clock = new ManualClock(1_000);
  const rpc = new FakeRpc();
  const roles: string[] = [];
  session = new Session(
    { managers: ['a:1'], description, onRole: (role) => roles.push(role) },
    { clock, rng: zeroRng, rpc },
  );
  let role = 'worker';
  rpc.answers.set('a:1', () => ({ periodMs: 100, managers: [], role }));
  session.start();
  clock.advance(0);
  await settle();
  role = 'manager';
  clock.advance(100);
  await settle();
  assert.deepEqual(roles, ['worker', 'manager']);
});
