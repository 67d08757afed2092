import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  FrameDecoder,
  FrameError,
  FrameKind,
  decodeHello,
  encodeFrames,
  encodeHello,
} from '../../../src/raft/transport/frame.ts';
import type { Frame } from '../../../src/raft/transport/frame.ts';

const plain = (frames: readonly Frame[]) =>
  frames.map((f) => ({ kind: f.kind, body: [...f.body] }));

describe('frames', () => {
  it('decode to what was encoded, however the stream is cut into chunks', () => {
    const frameArb = fc.record({
      kind: fc.integer({ min: 0, max: 255 }),
      body: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
    });
    fc.assert(
      fc.property(
        fc.array(frameArb, { maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (frames, cuts) => {
          const stream = encodeFrames(frames);
          const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort(
            (a, b) => a - b,
          );
          const decoder = new FrameDecoder(1024);
          const out: Frame[] = [];
          let from = 0;
          for (const to of [...points, stream.length]) {
            decoder.push(stream.subarray(from, to), (f) => out.push(f));
            from = to;
          }
          assert.deepEqual(plain(out), plain(frames));
          assert.equal(decoder.pendingBytes, 0);
        },
      ),
    );
  });

  it('gives each frame its own copy of the bytes', () => {
    const stream = encodeFrames([{ kind: 2, body: Buffer.from([1, 2, 3]) }]);
    const frames: Frame[] = [];
    new FrameDecoder().push(stream, (f) => frames.push(f));
    stream.fill(0);
    assert.deepEqual([...frames[0]!.body], [1, 2, 3]);
  });

  it('rejects a zero length and an oversized length before buffering the frame', () => {
    const ignore = (): void => {};
    assert.throws(() => new FrameDecoder().push(Buffer.from([0, 0, 0, 0]), ignore), FrameError);
    const header = Buffer.alloc(4);
    header.writeUInt32LE(1025);
    assert.throws(() => new FrameDecoder(1024).push(header, ignore), /exceeds the 1024-byte limit/);
    header.writeUInt32LE(1024);
    const decoder = new FrameDecoder(1024);
    decoder.push(header, ignore);
    assert.equal(decoder.pendingBytes, 4);
  });

  it('hands over the frames before a malformed one, then throws', () => {
    const frames: Frame[] = [];
    const stream = Buffer.concat([
      encodeFrames([{ kind: 2, body: Buffer.from([5]) }]),
      Buffer.alloc(4),
    ]);
    assert.throws(() => new FrameDecoder().push(stream, (f) => frames.push(f)), /zero-length/);
    assert.deepEqual(plain(frames), [{ kind: 2, body: [5] }]);
  });
});

describe('hello', () => {
  it('round-trips both member IDs', () => {
    assert.deepEqual(decodeHello(encodeHello({ from: 3, to: 2 ** 40 })), { from: 3, to: 2 ** 40 });
    assert.equal(FrameKind.hello, 1);
  });

  it('rejects a wrong magic, version, truncation, trailing bytes and member 0', () => {
    const good = encodeHello({ from: 1, to: 2 });
    const badMagic = Buffer.from(good);
    badMagic[0] = 0;
    const badVersion = Buffer.from(good);
    badVersion[4] = 9;
    for (const body of [
      badMagic,
      badVersion,
      good.subarray(0, 5),
      Buffer.concat([good, Buffer.from([0])]),
    ]) {
      assert.throws(() => decodeHello(body), FrameError);
    }
    assert.throws(() => decodeHello(encodeHello({ from: 0, to: 2 })), /member 0/);
  });
});
