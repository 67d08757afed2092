import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { LogDemuxer } from '../../../../src/agent/exec/docker/log-demux.ts';
import type { TaskLogEntry } from '../../../../src/agent/exec/executor.ts';

function frame(stream: number, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

const show = (entries: readonly TaskLogEntry[]) =>
  entries.map((e) => [e.stream, e.timestamp, Buffer.from(e.data).toString()]);

describe('LogDemuxer', () => {
  const ts = '2026-11-23T23:15:06.123456789Z';
  const body = Buffer.concat([
    frame(1, `${ts} out line\n`),
    frame(2, `${ts} err line\n`),
    frame(1, `${ts} no newline`),
  ]);
  const expected = [
    ['stdout', ts, 'out line\n'],
    ['stderr', ts, 'err line\n'],
    ['stdout', ts, 'no newline'],
  ];

  test('splits frames by stream and takes the timestamp off each message', () => {
    const demuxer = new LogDemuxer(true);
    assert.deepEqual(show([...demuxer.push(body), ...demuxer.end()]), expected);
  });

  test('gives the same entries however the body is cut into chunks', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: body.length - 1 }), { maxLength: 8 }),
        (cuts) => {
          const points = [0, ...cuts.sort((a, b) => a - b), body.length];
          const demuxer = new LogDemuxer(true);
          const entries = points
            .slice(1)
            .flatMap((end, i) => demuxer.push(body.subarray(points[i], end)));
          assert.deepEqual(show([...entries, ...demuxer.end()]), expected);
        },
      ),
    );
  });

  test('a TTY body is raw timestamped lines on stdout', () => {
    const demuxer = new LogDemuxer(false);
    const first = demuxer.push(Buffer.from(`${ts} a\n${ts} b`));
    assert.deepEqual(show(first), [['stdout', ts, 'a\n']]);
    assert.deepEqual(show(demuxer.end()), [['stdout', ts, 'b']]);
  });
});
