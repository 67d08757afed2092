import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ShoalError } from '../../../src/base/errors.ts';
import type { PeerCertificate } from 'node:tls';
import { readNodeIdentity } from '../../../src/manager/ca/node-certificate.ts';
import { mutualTlsClientOptions } from '../../../src/manager/ca/tls-identity.ts';
import type { TlsIdentity } from '../../../src/manager/ca/tls-identity.ts';
import type { Caller } from '../../../src/manager/rpc/rpc-caller.ts';
import { RpcClient } from '../../../src/manager/rpc/rpc-client.ts';
import type { ClusterListener } from '../../../src/manager/rpc/cluster-listener.ts';
import type { MethodSpec } from '../../../src/manager/rpc/rpc-methods.ts';
import { joinMethod, readStringFields } from '../../../src/manager/rpc/rpc-methods.ts';
import { expectNoTcpHandles } from '../../raft/transport/tcp-harness.ts';
import { TestPki } from './cluster-fixture.ts';

const echo: MethodSpec<{ text: string }, { text: string; caller: Caller }> = {
  name: 'echo',
  kind: 'unary',
  access: 'worker',
  readRequest: (body) => readStringFields(body, ['text']),
};
const managerOnly: MethodSpec<null, string> = {
  name: 'managerOnly',
  kind: 'unary',
  access: 'manager',
  readRequest: () => null,
};
const failing: MethodSpec<null, never> = {
  name: 'failing',
  kind: 'unary',
  access: 'worker',
  readRequest: () => null,
};
const count: MethodSpec<{ to: number }, number> = {
  name: 'count',
  kind: 'stream',
  access: 'worker',
  readRequest: (body) => ({ to: Number((body as { to?: unknown }).to) }),
};
const stall: MethodSpec<null, null> = {
  name: 'stall',
  kind: 'unary',
  access: 'worker',
  readRequest: () => null,
};
const watch: MethodSpec<null, number> = {
  name: 'watch',
  kind: 'stream',
  access: 'worker',
  readRequest: () => null,
};

let pki: TestPki;
let listener: ClusterListener;
let manager: TlsIdentity;
let worker: TlsIdentity;
let joinCalls = 0;
const watchEnded: string[] = [];
let watchStarted: () => void = () => {};
let stallStarted: () => void = () => {};
let stallAborted = 0;

before(async () => {
  pki = await TestPki.create(11);
  manager = await pki.identity('m1', 'manager');
  worker = await pki.identity('w1', 'worker');
  const started = await pki.listener(manager);
  listener = started.listener;
  const { rpc } = started;
  rpc.unary(echo, (req, ctx) => ({ text: req.text, caller: ctx.caller }));
  rpc.unary(managerOnly, () => 'secret plans');
  rpc.unary(failing, () => {
    throw new ShoalError('SERVICE_NOT_FOUND', 'service x not found', { status: 404, field: 'id' });
  });
  rpc.unary(joinMethod, (req) => {
    joinCalls++;
    return { nodeId: 'new', certificate: req.csr, rootCA: '', role: 'worker' };
  });
  rpc.unary(stall, (_req, ctx) => {
    stallStarted();
    return new Promise<null>((resolve) =>
      ctx.signal.addEventListener('abort', () => {
        stallAborted++;
        resolve(null);
      }),
    );
  });
  rpc.stream(count, async function* (req) {
    for (let i = 1; i <= req.to; i++) yield await Promise.resolve(i);
    throw new ShoalError('TASK_NOT_FOUND', 'ran out', { status: 404 });
  });
  rpc.stream(watch, async function* (_req, ctx) {
    try {
      yield 1;
      watchStarted();
      await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
    } finally {
      watchEnded.push('ended');
    }
  });
});

after(async () => {
  await pki.close();
  await expectNoTcpHandles();
});

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof ShoalError, `expected a ShoalError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return true;
  });
}

test('unary: reply with the verified caller, reused connection', async () => {
  const client = pki.client(worker);
  const a = await client.call(listener.address, echo, { text: 'hi' });
  assert.deepEqual(a, {
    text: 'hi',
    caller: { anonymous: false, nodeId: 'w1', role: 'worker', clusterId: 'c1' },
  });
  const b = await client.call(listener.address, echo, { text: 'again' });
  assert.equal(b.text, 'again');
});

test('errors cross the wire as ErrorData and come back as ShoalError', async () => {
  const client = pki.client(worker);
  await assert.rejects(client.call(listener.address, failing, null), (err: unknown) => {
    assert.ok(err instanceof ShoalError);
    assert.deepEqual(err.toData(), {
      code: 'SERVICE_NOT_FOUND',
      message: 'service x not found',
      status: 404,
      field: 'id',
    });
    return true;
  });
  await rejectsWith(
    client.call(listener.address, { ...echo, name: 'nope' }, { text: '' }),
    'RPC_METHOD_NOT_FOUND',
  );
  await rejectsWith(
    client.call(listener.address, echo, { wrong: 1 } as unknown as { text: string }),
    'RPC_BAD_REQUEST',
  );
});

test('streaming: items in order, then the handler error', async () => {
  const client = pki.client(worker);
  const seen: number[] = [];
  await assert.rejects(
    (async () => {
      for await (const n of client.stream(listener.address, count, { to: 3 })) seen.push(n);
    })(),
    (err: unknown) => err instanceof ShoalError && err.code === 'TASK_NOT_FOUND',
  );
  assert.deepEqual(seen, [1, 2, 3]);
});

test('streaming: aborting the signal cancels the handler on the server', async () => {
  const client = pki.client(worker);
  const controller = new AbortController();
  const started = new Promise<void>((resolve) => (watchStarted = resolve));
  const reason = new Error('stop watching');
  const consumer = (async () => {
    const items: number[] = [];
    for await (const n of client.stream(listener.address, watch, null, {
      signal: controller.signal,
    }))
      items.push(n);
    return items;
  })();
  await started;
  controller.abort(reason);
  await assert.rejects(consumer, (err) => err === reason);
  while (watchEnded.length === 0) await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(watchEnded, ['ended']);
});

test('access: a worker may not call a manager method; a manager may call worker methods', async () => {
  await rejectsWith(
    pki.client(worker).call(listener.address, managerOnly, null),
    'CA_PEER_FORBIDDEN',
  );
  const asManager = pki.client(manager);
  assert.equal(await asManager.call(listener.address, managerOnly, null), 'secret plans');
  assert.equal((await asManager.call(listener.address, echo, { text: 'x' })).text, 'x');
});

test('no certificate: only the anonymous join answers', async () => {
  const anonymous = new RpcClient(
    { tlsOptions: () => ({ ca: [pki.root.certPem], checkServerIdentity: () => undefined }) },
    { clock: pki.clock },
  );
  pki.defer(() => anonymous.close());
  await rejectsWith(
    anonymous.call(listener.address, echo, { text: 'x' }),
    'CA_PEER_UNAUTHENTICATED',
  );
  const before = joinCalls;
  const reply = await anonymous.call(listener.address, joinMethod, {
    token: 't',
    csr: 'csr',
    hostname: 'h',
    advertiseAddr: '127.0.0.1:1',
  });
  assert.equal(reply.certificate, 'csr');
  assert.equal(joinCalls, before + 1);
});

test("refused: another cluster's root, another cluster's ID, an expired certificate", async () => {
  const other = await TestPki.create(12, 'c2');
  const foreign = await other.identity('x1', 'manager');
  // The foreign client trusts our root so that only the server's verdict is tested.
  const foreignClient = pki.client({ ...foreign, trustedRootsPem: [pki.root.certPem] });
  await rejectsWith(
    foreignClient.call(listener.address, echo, { text: 'x' }),
    'CA_PEER_UNAUTHENTICATED',
  );
  const wrongCluster = pki.client(await pki.identity('x2', 'manager', { clusterId: 'c2' }));
  await rejectsWith(wrongCluster.call(listener.address, echo, { text: 'x' }), 'CA_PEER_FORBIDDEN');
  const expired = await pki.identity('w9', 'worker', {
    now: pki.clock.now() - 48 * 3_600_000,
    expiryMs: 3_600_000,
  });
  await rejectsWith(
    pki.client(expired).call(listener.address, echo, { text: 'x' }),
    'CA_PEER_UNAUTHENTICATED',
  );
});

test('removed node: open connection is cut and new ones are refused', async () => {
  const doomed = await pki.identity('w2', 'worker');
  const client = pki.client(doomed);
  const controller = new AbortController();
  const started = new Promise<void>((resolve) => (watchStarted = resolve));
  const open = (async () => {
    for await (const _ of client.stream(listener.address, watch, null, {
      signal: controller.signal,
    })) {
      // keep the stream open
    }
  })();
  await started;
  pki.removed.add('w2');
  assert.equal(listener.disconnectNode('w2'), 1);
  await rejectsWith(open, 'RPC_UNAVAILABLE');
  await rejectsWith(client.call(listener.address, echo, { text: 'x' }), 'CA_NODE_REMOVED');
  pki.removed.delete('w2');
});

test('removed node: a call on a still-open connection is refused at once', async () => {
  const doomed = await pki.identity('w3', 'worker');
  const client = pki.client(doomed);
  await client.call(listener.address, echo, { text: 'warm up' });
  pki.removed.add('w3');
  await rejectsWith(client.call(listener.address, echo, { text: 'x' }), 'CA_NODE_REMOVED');
  pki.removed.delete('w3');
});

test('certificate swap at runtime: new handshakes present the new identity', async () => {
  const renewed = await pki.identity('m1', 'manager', { seed: 99 });
  const presented: string[] = [];
  const watching = new RpcClient(
    {
      tlsOptions: () => ({
        ...mutualTlsClientOptions(worker, pki.policy),
        checkServerIdentity: (_host: string, cert: PeerCertificate) => {
          presented.push(cert.serialNumber.toLowerCase());
          return undefined;
        },
      }),
    },
    { clock: pki.clock },
  );
  pki.defer(() => watching.close());
  await watching.call(listener.address, echo, { text: 'before' });
  listener.setIdentity(renewed);
  // The open connection keeps its context; a new one gets the renewed certificate.
  await watching.call(listener.address, echo, { text: 'same connection' });
  watching.disconnect(listener.address);
  await watching.call(listener.address, echo, { text: 'after' });
  assert.deepEqual(presented, [serialOf(manager), serialOf(renewed)]);
  // Trusting only a new root refuses certificates of the old one from the next handshake.
  const newPki = await TestPki.create(13);
  listener.setIdentity({ ...renewed, trustedRootsPem: [newPki.root.certPem] });
  await rejectsWith(
    pki.client(worker).call(listener.address, echo, { text: 'x' }),
    'CA_PEER_UNAUTHENTICATED',
  );
  listener.setIdentity(manager);
});

function serialOf(identity: TlsIdentity): string {
  return readNodeIdentity(identity.certChainPem).serialNumber.toLowerCase();
}

test('unary deadline: RPC_TIMEOUT on the injected clock, and the handler is cancelled', async () => {
  const client = pki.client(worker);
  const started = new Promise<void>((resolve) => (stallStarted = resolve));
  const call = client.call(listener.address, stall, null, { timeoutMs: 1_000 });
  await started;
  pki.clock.advance(1_000);
  await rejectsWith(call, 'RPC_TIMEOUT');
  while (stallAborted === 0) await new Promise((resolve) => setImmediate(resolve));
  assert.equal(stallAborted, 1);
});

test('reconnect: a cut connection is dialled again on the next call', async () => {
  const client = pki.client(worker);
  await client.call(listener.address, echo, { text: 'one' });
  assert.ok(listener.disconnectNode('w1') >= 1);
  let reply: { text: string } | undefined;
  // The client learns of the cut asynchronously; a call racing it fails as retryable.
  for (let attempt = 0; reply === undefined && attempt < 5; attempt++) {
    try {
      reply = await client.call(listener.address, echo, { text: 'two' });
    } catch (err) {
      assert.ok(err instanceof ShoalError && err.retryable, String(err));
    }
  }
  assert.equal(reply?.text, 'two');
});
