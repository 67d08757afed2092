import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  ENVELOPE_HEADER_BYTES,
  envelopePayload,
  hasEnvelope,
  ownSequence,
  wrapProposal,
} from '../../src/raft/proposal-envelope.ts';

const u32 = fc.integer({ min: 0, max: 0xffff_ffff });

test('property: a wrapped payload unwraps to itself and carries its sequence for its origin only', () => {
  fc.assert(
    fc.property(
      u32,
      u32,
      u32,
      fc.uint8Array({ maxLength: 64 }),
      (origin, incarnation, seq, payload) => {
        const data = wrapProposal({ origin, incarnation }, seq, payload);
        assert.equal(data.length, ENVELOPE_HEADER_BYTES + payload.length);
        assert.deepEqual([...envelopePayload(data)], [...payload]);
        assert.equal(ownSequence(data, { origin, incarnation }), seq);
        assert.equal(ownSequence(data, { origin, incarnation: (incarnation + 1) >>> 0 }), -1);
        assert.equal(ownSequence(data, { origin: (origin + 1) >>> 0, incarnation }), -1);
      },
    ),
  );
});

test('data without an envelope is passed through and belongs to nobody', () => {
  const noop = new Uint8Array(0);
  assert.equal(hasEnvelope(noop), false);
  assert.equal(ownSequence(noop, { origin: 1, incarnation: 1 }), -1);
  const raw = new Uint8Array([1, 2, 3]);
  assert.equal(envelopePayload(raw), raw);
});

test('the payload is copied at wrap time', () => {
  const payload = new Uint8Array([7, 7]);
  const data = wrapProposal({ origin: 1, incarnation: 2 }, 3, payload);
  payload[0] = 0;
  assert.deepEqual([...envelopePayload(data)], [7, 7]);
});
