import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ManualClock } from '../../../src/base/clock.ts';
import { SeededRng } from '../../../src/base/rng.ts';
import type { Rng } from '../../../src/base/rng.ts';
import {
  CertificateRenewer,
  MAX_TIMER_MS,
  decideRenewal,
  renewalDeadline,
} from '../../../src/manager/ca/certificate-renewal.ts';
import type { RenewalReason } from '../../../src/manager/ca/certificate-renewal.ts';
import type { NodeIdentity } from '../../../src/manager/ca/node-certificate.ts';

const day = 86_400_000;
const start = Date.UTC(2030, 0, 1);

function cert(serialNumber: string, notBefore = start, days = 90): NodeIdentity {
  return {
    nodeId: 'n1',
    role: 'worker',
    clusterId: 'c1',
    notBefore,
    notAfter: notBefore + days * day,
    serialNumber,
  };
}

/** An Rng that always answers `value`, to pin the jitter at an end of its range. */
const fixed = (value: number): Rng => ({
  next: () => value,
  int: (n) => Math.floor(value * n),
  fork: () => fixed(value),
});

test('the deadline falls between 50 % and 80 % of the validity', () => {
  const c = cert('01');
  assert.equal(renewalDeadline(c, fixed(0)), start + 45 * day);
  assert.equal(renewalDeadline(c, fixed(0.5)), start + 58.5 * day);
  fc.assert(
    fc.property(fc.integer(), fc.integer({ min: 1, max: 10_000 }), (seed, hours) => {
      const validity = { notBefore: start, notAfter: start + hours * 3_600_000 };
      const at = renewalDeadline(validity, new SeededRng(seed));
      const span = validity.notAfter - validity.notBefore;
      assert.ok(at >= start + span * 0.5 && at <= start + span * 0.8, `${at}`);
    }),
  );
});

test('decideRenewal: expiry, then role change, then the deadline', () => {
  const c = cert('01');
  const deadline = start + 50 * day;
  const decide = (now: number, desiredRole: 'worker' | 'manager' = 'worker') =>
    decideRenewal({ identity: c, desiredRole, deadline, now });
  assert.deepEqual(decide(start), { renew: false, at: deadline });
  assert.deepEqual(decide(deadline), { renew: true, reason: 'due' });
  assert.deepEqual(decide(start, 'manager'), { renew: true, reason: 'role-changed' });
  assert.deepEqual(decide(c.notAfter, 'manager'), { renew: true, reason: 'expired' });
});

test('the renewer fires at the jittered deadline on a ManualClock, not before', () => {
  const clock = new ManualClock(start);
  const fired: RenewalReason[] = [];
  const renewer = new CertificateRenewer({ clock, rng: fixed(0.5) }, (reason) =>
    fired.push(reason),
  );
  assert.deepEqual(renewer.track(cert('01'), 'worker'), { renew: false, at: start + 58.5 * day });
  clock.advance(58.5 * day - 1);
  assert.deepEqual(fired, []);
  clock.advance(1);
  assert.deepEqual(fired, ['due']);
  clock.advance(90 * day);
  assert.deepEqual(fired, ['due'], 'nothing more until the next certificate is tracked');
  // The renewed certificate gets its own deadline from its own validity.
  renewer.track(cert('02', clock.now()), 'worker');
  clock.advance(58.5 * day);
  assert.deepEqual(fired, ['due', 'due']);
});

test('a promotion triggers renewal at once; re-tracking keeps the drawn deadline', () => {
  const clock = new ManualClock(start);
  const fired: RenewalReason[] = [];
  let draws = 0;
  const rng: Rng = { next: () => (draws++, 0), int: () => 0, fork: () => rng };
  const renewer = new CertificateRenewer({ clock, rng }, (reason) => fired.push(reason));
  renewer.track(cert('01'), 'worker');
  renewer.track(cert('01'), 'worker');
  assert.equal(draws, 1);
  assert.deepEqual(renewer.track(cert('01'), 'manager'), { renew: true, reason: 'role-changed' });
  assert.deepEqual(fired, [], 'fires from the clock, never inside track');
  clock.advance(0);
  assert.deepEqual(fired, ['role-changed']);
  assert.equal(clock.pending(), 0);
});

test('stop cancels the pending renewal', () => {
  const clock = new ManualClock(start);
  const fired: RenewalReason[] = [];
  const renewer = new CertificateRenewer({ clock, rng: new SeededRng(3) }, (reason) =>
    fired.push(reason),
  );
  renewer.track(cert('01'), 'worker');
  renewer.stop();
  clock.advance(100 * day);
  assert.deepEqual(fired, []);
  assert.equal(clock.pending(), 0);
});

test('a deadline weeks away is waited for in steps a Node timer can hold', () => {
  const clock = new ManualClock(start);
  const delays: number[] = [];
  const recording = {
    now: () => clock.now(),
    setTimer: (ms: number, fn: () => void) => {
      delays.push(ms);
      return clock.setTimer(ms, fn);
    },
  };
  const fired: RenewalReason[] = [];
  const renewer = new CertificateRenewer({ clock: recording, rng: fixed(0.5) }, (reason) =>
    fired.push(reason),
  );
  renewer.track(cert('01'), 'worker');
  clock.advance(58.5 * day - 1);
  assert.deepEqual(fired, []);
  clock.advance(1);
  assert.deepEqual(fired, ['due']);
  assert.ok(delays.length > 1 && delays.every((ms) => ms <= MAX_TIMER_MS), `${delays.join()}`);
});
