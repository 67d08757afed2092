import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SystemClock } from '../../../src/base/clock.ts';
import { SeededRng } from '../../../src/base/rng.ts';
import type { TlsIdentity } from '../../../src/manager/ca/tls-identity.ts';
import type { ClusterListener } from '../../../src/manager/rpc/cluster-listener.ts';
import { TlsSocketLayer, raftHelloCheck } from '../../../src/manager/rpc/tls-socket-layer.ts';
import type { NodeId } from '../../../src/raft/core/types.ts';
import { RaftNode } from '../../../src/raft/node.ts';
import { FileStorage } from '../../../src/raft/storage/file-storage.ts';
import { TcpTransport } from '../../../src/raft/transport/tcp-transport.ts';
import { RecordingStateMachine, bytes, waitFor } from '../../raft/node/node-cluster.ts';
import { Inbox, expectNoTcpHandles } from '../../raft/transport/tcp-harness.ts';
import { aMessage } from '../../raft/transport/message-builder.ts';
import { TestPki } from './cluster-fixture.ts';

const clock = new SystemClock();
const pkis: TestPki[] = [];
after(async () => {
  for (const pki of pkis) await pki.close();
  await expectNoTcpHandles();
});

interface TlsMember {
  readonly id: NodeId;
  readonly listener: ClusterListener;
  readonly layer: TlsSocketLayer;
  readonly transport: TcpTransport;
  /** Listen address → node ID this member expects there. */
  readonly addresses: Map<string, string>;
}

/** Raft member `id` on its own cluster listener, presenting `identity` (default: m<id>). */
async function tlsMember(pki: TestPki, id: NodeId, identity?: TlsIdentity): Promise<TlsMember> {
  const own = await pki.identity(`m${id}`, 'manager');
  const { listener } = await pki.listener(own);
  const addresses = new Map<string, string>();
  const layer = new TlsSocketLayer({
    identity: () => identity ?? own,
    policy: pki.policy,
    listener,
    expectedNodeId: (address) => addresses.get(address),
  });
  const transport = new TcpTransport(
    { id, socketLayer: layer, acceptHello: raftHelloCheck(listener, (raftId) => `m${raftId}`) },
    { clock },
  );
  pki.defer(() => transport.close());
  await transport.start();
  return { id, listener, layer, transport, addresses };
}

function connect(members: readonly TlsMember[]): void {
  for (const a of members) {
    for (const b of members) {
      if (a === b) continue;
      a.addresses.set(b.listener.address, `m${b.id}`);
      a.transport.setPeer(b.id, b.listener.address);
    }
  }
}

test('two transports exchange Raft messages through the cluster listener with mTLS', async () => {
  const pki = await TestPki.create(21);
  pkis.push(pki);
  const a = await tlsMember(pki, 1);
  const b = await tlsMember(pki, 2);
  assert.equal(a.transport.address, a.listener.address);
  connect([a, b]);
  const inA = new Inbox(a.transport);
  const inB = new Inbox(b.transport);
  a.transport.send([aMessage({ from: 1, to: 2, term: 5 })]);
  b.transport.send([aMessage({ from: 2, to: 1, term: 6 })]);
  await inB.messagesReach(1);
  await inA.messagesReach(1);
  assert.equal(inB.messages[0]?.term, 5);
  assert.equal(inA.messages[0]?.term, 6);
  // Member 2 removed: its inbound stream on member 1 is cut.
  pki.removed.add('m2');
  assert.equal(a.listener.disconnectNode('m2'), 1);
  assert.equal(b.layer.disconnectNode('m1'), 1);
  // A new Raft stream from the removed member is closed by member 1 unread.
  const socket = await b.layer.connect(a.listener.address, new AbortController().signal);
  socket.on('error', () => {});
  await once(socket, 'close');
});

test('a Raft hello that does not match the certificate, or a worker certificate, is refused', async () => {
  const pki = await TestPki.create(22);
  pkis.push(pki);
  const target = await tlsMember(pki, 1);
  const inbox = new Inbox(target.transport);
  // Member 2's transport presents m3's certificate: the hello (from 2) names another node.
  const impostor = await tlsMember(pki, 2, await pki.identity('m3', 'manager'));
  const worker = await tlsMember(pki, 4, await pki.identity('m4', 'worker'));
  const honest = await tlsMember(pki, 5);
  connect([target, impostor, worker, honest]);
  impostor.transport.send([aMessage({ from: 2, to: 1, term: 2 })]);
  worker.transport.send([aMessage({ from: 4, to: 1, term: 4 })]);
  honest.transport.send([aMessage({ from: 5, to: 1, term: 5 })]);
  await inbox.messagesReach(1);
  // The honest message went through a stream opened after the others: they were refused.
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(
    inbox.messages.map((m) => m.from),
    [5],
  );
});

test('three RaftNodes elect a leader and commit over the mTLS transport', async () => {
  const pki = await TestPki.create(23);
  pkis.push(pki);
  const root = await mkdtemp(join(tmpdir(), 'shoal-rpc-raft-'));
  pki.defer(() => rm(root, { recursive: true, force: true }));
  const ids: NodeId[] = [1, 2, 3];
  const members = await Promise.all(ids.map((id) => tlsMember(pki, id)));
  connect(members);
  const keepAlive = setInterval(() => {}, 1_000);
  pki.defer(() => clearInterval(keepAlive));
  const rng = new SeededRng(23);
  const nodes = members.map((m) => {
    const sm = new RecordingStateMachine();
    const fork = rng.fork(String(m.id));
    const node = new RaftNode(
      {
        id: m.id,
        bootstrap: ids,
        storage: new FileStorage(join(root, `m${m.id}`)),
        transport: m.transport,
        stateMachine: sm,
        tickMs: 10,
      },
      { clock, random: () => fork.next() },
    );
    pki.defer(() => node.stop());
    return { node, sm };
  });
  await Promise.all(nodes.map((n) => n.node.start()));
  const leader = await waitFor('a leader known to all', 5_000, () => {
    const id = nodes[0]?.node.leader() ?? 0;
    return id !== 0 && nodes.every((n) => n.node.leader() === id) ? id : undefined;
  });
  const leaderNode = nodes.find((n) => n.node.status().softState.role === 'leader');
  assert.ok(leaderNode, `member ${leader} claims to lead`);
  await leaderNode.node.propose(bytes('over tls'));
  await waitFor('every member applied the entry', 5_000, () =>
    nodes.every((n) => n.sm.values.includes('over tls')),
  );
});
