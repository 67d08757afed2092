import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  ConfChangeDecodeError,
  decodeConfChange,
  encodeConfChange,
} from '../../../src/raft/core/conf-change-codec.ts';
import type { ConfChange } from '../../../src/raft/core/types.ts';

describe('conf change codec', () => {
  test('property: decode(encode(cc)) is cc', () => {
    const cc = fc.record(
      {
        type: fc.constantFrom('addVoter' as const, 'addLearner' as const, 'removeNode' as const),
        nodeId: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
        context: fc.uint8Array({ maxLength: 40 }),
      },
      { requiredKeys: ['type', 'nodeId'] },
    );
    fc.assert(
      fc.property(cc, (c: ConfChange) => {
        const back = decodeConfChange(encodeConfChange(c));
        assert.equal(back.type, c.type);
        assert.equal(back.nodeId, c.nodeId);
        assert.deepEqual(
          back.context === undefined ? undefined : [...back.context],
          c.context === undefined ? undefined : [...c.context],
        );
      }),
    );
  });

  test('the encoding is compact', () => {
    assert.equal(encodeConfChange({ type: 'addVoter', nodeId: 5 }).byteLength, 4);
  });

  test('malformed bytes are rejected', () => {
    const good = encodeConfChange({
      type: 'removeNode',
      nodeId: 300,
      context: new Uint8Array([1, 2]),
    });
    assert.throws(
      () => decodeConfChange(good.subarray(0, good.byteLength - 1)),
      ConfChangeDecodeError,
    );
    assert.throws(() => decodeConfChange(new Uint8Array([9, 0, 0, 1])), ConfChangeDecodeError);
    assert.throws(() => decodeConfChange(new Uint8Array([1, 7, 0, 1])), ConfChangeDecodeError);
    assert.throws(() => decodeConfChange(new Uint8Array([1, 0, 0, 1, 0])), ConfChangeDecodeError);
    assert.throws(() => decodeConfChange(new Uint8Array()), ConfChangeDecodeError);
  });
});
