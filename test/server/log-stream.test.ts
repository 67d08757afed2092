import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { LogStream, encodeFrame, logStreamContentType } from '../../src/server/log-stream.ts';
import { send, startTestServer } from './support/test-server.ts';
import type { TestServer } from './support/test-server.ts';

test('a frame is type byte, three zero bytes, big-endian length, payload', () => {
  assert.deepEqual(
    [...encodeFrame('stdout', Buffer.from('hi\n'))],
    [1, 0, 0, 0, 0, 0, 0, 3, 0x68, 0x69, 0x0a],
  );
  assert.deepEqual([...encodeFrame('stderr', Buffer.alloc(0))], [2, 0, 0, 0, 0, 0, 0, 0]);
  const big = encodeFrame('system', Buffer.alloc(0x010203, 7));
  assert.deepEqual([...big.subarray(0, 8)], [3, 0, 0, 0, 0, 0x01, 0x02, 0x03]);
  assert.equal(big.length, 8 + 0x010203);
  assert.equal(encodeFrame('stdin', Buffer.from('x'))[0], 0);
});

test('the multiplexed content type is announced from API 1.42, without a TTY', () => {
  assert.equal(logStreamContentType('1.41', false), 'application/vnd.docker.raw-stream');
  assert.equal(logStreamContentType('1.42', false), 'application/vnd.docker.multiplexed-stream');
  assert.equal(logStreamContentType('1.42', true), 'application/vnd.docker.raw-stream');
});

let t: TestServer;

before(async () => {
  t = await startTestServer(
    (r) =>
      r.get('/services/{id}/logs', async (ctx) => {
        const stream = new LogStream(ctx, { tty: ctx.query.get('tty') === '1' });
        await stream.write('stdout', 'line one\n');
        await stream.write('stderr', Buffer.from('oops\n'));
        await stream.write('stdout', '');
        await stream.write('system', 'Error grabbing logs: gone\n');
        stream.end();
        return undefined;
      }),
    // Serve up to 1.42 so the multiplexed content type can be seen.
    { versions: { min: '1.24', max: '1.42' } },
  );
});
after(async () => {
  await t.close();
});

test('log output without a TTY is framed byte for byte', async () => {
  const res = await send(t.socketPath, { path: '/v1.42/services/web/logs' });
  assert.equal(res.status, 200);
  assert.equal(res.headers['content-type'], 'application/vnd.docker.multiplexed-stream');
  const expected = Buffer.concat([
    Buffer.from([1, 0, 0, 0, 0, 0, 0, 9]),
    Buffer.from('line one\n'),
    Buffer.from([2, 0, 0, 0, 0, 0, 0, 5]),
    Buffer.from('oops\n'),
    Buffer.from([3, 0, 0, 0, 0, 0, 0, 26]),
    Buffer.from('Error grabbing logs: gone\n'),
  ]);
  assert.deepEqual(res.body, expected);
});

test('v1.41 clients get the same framing under the raw-stream content type', async () => {
  const res = await send(t.socketPath, { path: '/v1.41/services/web/logs' });
  assert.equal(res.headers['content-type'], 'application/vnd.docker.raw-stream');
  assert.equal(res.body[0], 1);
  assert.equal(res.body.readUInt32BE(4), 9);
});

test('with a TTY the bytes go out raw', async () => {
  const res = await send(t.socketPath, { path: '/v1.42/services/web/logs?tty=1' });
  assert.equal(res.headers['content-type'], 'application/vnd.docker.raw-stream');
  assert.equal(res.text, 'line one\noops\nError grabbing logs: gone\n');
});
