import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { JsonStream, jsonStreamContentType } from '../../src/server/json-stream.ts';
import { open, startTestServer, within } from './support/test-server.ts';
import type { TestServer } from './support/test-server.ts';

test('v1.41 event streams are application/json unless Accept names a stream type', () => {
  assert.equal(jsonStreamContentType('1.41', undefined), 'application/json');
  assert.equal(jsonStreamContentType('1.52', undefined), 'application/jsonl');
  assert.equal(jsonStreamContentType('1.41', '*/*'), 'application/json');
  assert.equal(jsonStreamContentType('1.41', 'application/x-ndjson'), 'application/x-ndjson');
  assert.equal(
    jsonStreamContentType('1.41', 'application/json-seq;q=0.5, application/jsonl;q=0.9'),
    'application/jsonl',
  );
  assert.equal(jsonStreamContentType('1.41', 'application/jsonl;q=0'), 'application/json');
  assert.equal(
    jsonStreamContentType('1.41', 'application/x-ndjson, application/jsonl'),
    'application/jsonl',
  );
});

let t: TestServer;
let handlerDone: Promise<void>;
let markDone: () => void;

before(async () => {
  t = await startTestServer((r) =>
    r.get('/events', async (ctx) => {
      const stream = new JsonStream(ctx);
      let n = 0;
      // Produce until the client goes away, at the pace the socket takes it.
      while (!stream.closed) {
        await stream.send({ n: n++ });
        await new Promise((resolve) => setImmediate(resolve));
      }
      markDone();
      return undefined;
    }),
  );
});
after(async () => {
  await t.close();
});

function firstLines(res: IncomingMessage, count: number): Promise<string[]> {
  return new Promise((resolve) => {
    let text = '';
    const onData = (chunk: Buffer): void => {
      text += chunk.toString();
      const lines = text.split('\n').filter((l) => l !== '');
      if (lines.length >= count) {
        res.off('data', onData);
        resolve(lines.slice(0, count));
      }
    };
    res.on('data', onData);
  });
}

test('objects arrive one per line while the stream is open', async () => {
  handlerDone = new Promise((resolve) => (markDone = resolve));
  const res = await open(t.socketPath, { path: '/v1.41/events' });
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-type'], 'application/json');
  assert.equal(res.headers['transfer-encoding'], 'chunked');
  const lines = await within(firstLines(res, 3), 2000, 'three events');
  assert.deepEqual(
    lines.map((l) => JSON.parse(l) as unknown),
    [{ n: 0 }, { n: 1 }, { n: 2 }],
  );
  res.destroy();
  await within(handlerDone, 2000, 'the producer noticing the disconnect');
  assert.equal(await t.server.openConnections(), 0, 'no connection left behind');
});

test('json-seq records are prefixed with the RS byte', async () => {
  handlerDone = new Promise((resolve) => (markDone = resolve));
  const res = await open(t.socketPath, {
    path: '/events',
    headers: { Accept: 'application/json-seq' },
  });
  assert.equal(res.headers['content-type'], 'application/json-seq');
  const first = await within(
    new Promise<Buffer>((resolve) => res.once('data', resolve)),
    2000,
    'first record',
  );
  assert.equal(first.toString(), '\x1e{"n":0}\n');
  res.destroy();
  await within(handlerDone, 2000, 'the producer noticing the disconnect');
});
