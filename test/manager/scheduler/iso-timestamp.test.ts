import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isoTimestamp } from '../../../src/manager/scheduler/iso-timestamp.ts';

test('isoTimestamp writes what Date.toISOString writes, for years 0 to 9999', () => {
  for (const ms of [
    0, -1, 951_782_400_000, 951_868_800_000, 1_709_164_800_000, 1_704_067_200_123,
  ]) {
    assert.equal(isoTimestamp(ms), new Date(ms).toISOString());
  }
  fc.assert(
    fc.property(fc.integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 }), (ms) => {
      assert.equal(isoTimestamp(ms), new Date(ms).toISOString());
    }),
  );
});
