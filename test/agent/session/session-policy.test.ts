import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  DEFAULT_SESSION_POLICY,
  backoffDelay,
  heartbeatDelay,
  isRefusal,
  mergeManagers,
  nextManager,
} from '../../../src/agent/session/session-policy.ts';

const policy = DEFAULT_SESSION_POLICY;

test('heartbeatDelay: the period, up to a tenth early, never below 1 ms', () => {
  const table: [period: number, r: number, want: number][] = [
    [5_000, 0, 5_000],
    [5_000, 0.5, 4_750],
    [5_000, 0.999, 4_501],
    [200, 0.5, 190],
    [0, 0.5, 1],
  ];
  for (const [period, r, want] of table) {
    assert.equal(heartbeatDelay(period, policy, r), want, `period ${period}, r ${r}`);
  }
});

test('backoffDelay: doubles from 100 ms, capped at 8 s, scaled into [½, 1] by r', () => {
  const table: [failures: number, r: number, want: number][] = [
    [0, 0.9, 0],
    [1, 0.999_999, 100],
    [1, 0, 50],
    [2, 0.999_999, 200],
    [3, 0.5, 300],
    [7, 0.999_999, 6_400],
    [8, 0.999_999, 8_000],
    [50, 0, 4_000],
    [1_000, 0.999_999, 8_000],
  ];
  for (const [failures, r, want] of table) {
    assert.equal(backoffDelay(failures, policy, r), want, `failures ${failures}, r ${r}`);
  }
});

test('backoffDelay: a cap below the maximum (the heartbeat period) bounds every delay', () => {
  assert.equal(backoffDelay(1, policy, 0.999_999, 500), 100);
  assert.equal(backoffDelay(3, policy, 0.999_999, 500), 400);
  assert.equal(backoffDelay(4, policy, 0.999_999, 500), 500);
  assert.equal(backoffDelay(40, policy, 0, 500), 250);
  assert.equal(backoffDelay(40, policy, 0.999_999, 60_000), 8_000, 'the maximum still holds');
});

test('backoffDelay never exceeds the cap and never shrinks as failures grow (same r)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 200 }),
      fc.double({ min: 0, max: 0.999, noNaN: true }),
      (n, r) => {
        const d = backoffDelay(n, policy, r);
        assert.ok(d >= 1 && d <= policy.backoffMaxMs);
        assert.ok(backoffDelay(n + 1, policy, r) >= d);
      },
    ),
  );
});

test('nextManager: preferred, else stay while healthy, else round-robin', () => {
  const known = ['a:1', 'b:1', 'c:1'];
  const table: [
    current: string | undefined,
    failed: boolean,
    preferred: string | undefined,
    want: string | undefined,
  ][] = [
    [undefined, true, undefined, 'a:1'],
    ['a:1', false, undefined, 'a:1'],
    ['a:1', true, undefined, 'b:1'],
    ['c:1', true, undefined, 'a:1'],
    ['b:1', true, 'c:1', 'c:1'],
    ['b:1', false, 'a:1', 'a:1'],
    ['b:1', true, 'z:9', 'c:1'],
    ['gone:1', false, undefined, 'a:1'],
  ];
  for (const [current, failed, preferred, want] of table) {
    assert.equal(
      nextManager(known, current, failed, preferred),
      want,
      `${current} failed=${failed} preferred=${preferred}`,
    );
  }
  assert.equal(nextManager([], 'a:1', true), undefined);
});

test('mergeManagers keeps order, adds the new, drops duplicates and empties', () => {
  assert.deepEqual(mergeManagers(['a', 'b'], ['b', 'c', '', 'a', 'd']), ['a', 'b', 'c', 'd']);
  assert.deepEqual(mergeManagers(['a', 'a'], []), ['a']);
});

test('isRefusal: certificate refusals only', () => {
  for (const code of ['CA_NODE_REMOVED', 'CA_PEER_FORBIDDEN', 'CA_PEER_UNAUTHENTICATED']) {
    assert.equal(isRefusal(code), true, code);
  }
  for (const code of ['MANAGER_NOT_LEADER', 'RPC_UNAVAILABLE', 'NODE_NOT_FOUND', undefined]) {
    assert.equal(isRefusal(code), false, String(code));
  }
});
