import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../src/base/clock.ts';
import { ShoalError } from '../../../src/base/errors.ts';
import {
  TLS_MIN_VERSION,
  authorizePeer,
  mutualTlsClientOptions,
  mutualTlsServerOptions,
} from '../../../src/manager/ca/tls-identity.ts';
import type { PeerPolicy, TlsIdentity } from '../../../src/manager/ca/tls-identity.ts';
import type { RootCa } from '../../../src/manager/ca/root-ca.ts';
import { issueIdentity, makeRoot } from './cluster-pki.ts';
import { dial, dialWith, startProbeServer } from './tls-probe.ts';
import type { ProbeServer } from './tls-probe.ts';

// OpenSSL checks validity against the wall clock, so these certificates are made around it;
// the policy's own expiry check runs on a ManualClock started at the same instant.
const realNow = Date.now();
const day = 86_400_000;
const servers: ProbeServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

interface Cluster {
  readonly root: RootCa;
  readonly clock: ManualClock;
  readonly removed: Set<string>;
  readonly policy: PeerPolicy;
  identity(
    nodeId: string,
    role: 'manager' | 'worker',
    extra?: { clusterId?: string; now?: number },
  ): Promise<TlsIdentity>;
}

async function cluster(seed: number, clusterId = 'c1'): Promise<Cluster> {
  const root = await makeRoot(realNow, seed);
  const clock = new ManualClock(realNow);
  const removed = new Set<string>();
  const policy: PeerPolicy = {
    clusterId,
    now: () => clock.now(),
    isRemoved: (id) => removed.has(id),
  };
  return {
    root,
    clock,
    removed,
    policy,
    identity: (nodeId, role, extra = {}) =>
      issueIdentity(
        root,
        { nodeId, role, clusterId: extra.clusterId ?? clusterId },
        { now: extra.now ?? realNow, trustedRootsPem: [root.certPem] },
      ),
  };
}

async function serve(identity: TlsIdentity, policy: PeerPolicy): Promise<ProbeServer> {
  const server = await startProbeServer(identity, policy);
  servers.push(server);
  return server;
}

const code = (server: ProbeServer) => server.refusals.map((e) => e.code);

test('options: key, chain, own roots only, client certificates required, TLS 1.2 or later', async () => {
  const c = await cluster(1);
  const id = await c.identity('m1', 'manager');
  const server = mutualTlsServerOptions(id);
  assert.equal(server.requestCert, true);
  assert.equal(server.rejectUnauthorized, true);
  assert.equal(server.minVersion, TLS_MIN_VERSION);
  assert.deepEqual(server.ca, [c.root.certPem]);
  assert.equal(server.cert, id.certChainPem);
  const client = mutualTlsClientOptions(id, c.policy);
  assert.equal(client.rejectUnauthorized, true);
  assert.equal(client.key, id.keyPem);
});

test('mutual TLS works between two nodes of the cluster', { timeout: 20_000 }, async () => {
  const c = await cluster(1);
  const server = await serve(await c.identity('m1', 'manager'), c.policy);
  const result = await dial(server.port, await c.identity('w1', 'worker'), {
    ...c.policy,
    expectedNodeId: 'm1',
    allowedRoles: ['manager'],
  });
  assert.deepEqual(result, { ok: true, reply: 'hello w1' });
  assert.deepEqual(server.refusals, []);
});

test(
  'a client without a certificate is refused in the handshake',
  { timeout: 20_000 },
  async () => {
    const c = await cluster(1);
    const server = await serve(await c.identity('m1', 'manager'), c.policy);
    const result = await dialWith(server.port, {
      ca: [c.root.certPem],
      checkServerIdentity: () => undefined,
    });
    assert.equal(result.ok, false);
    assert.equal(server.handshakeErrors.length, 1);
  },
);

test(
  "a certificate from another cluster's CA is refused, both ways",
  { timeout: 20_000 },
  async () => {
    const ours = await cluster(1);
    const theirs = await cluster(2, 'c2');
    const server = await serve(await ours.identity('m1', 'manager'), ours.policy);
    const stranger = await theirs.identity('x1', 'manager');
    // The stranger trusts our root, as an attacker would, so only our server can refuse it.
    const probe = { key: stranger.keyPem, cert: stranger.certChainPem, ca: [ours.root.certPem] };
    const refused = await dialWith(server.port, { ...probe, checkServerIdentity: () => undefined });
    assert.equal(refused.ok, false);
    assert.equal(server.handshakeErrors.length, 1);
    // Node's server drops a peer OpenSSL could not verify without naming why; the same dial
    // with a certificate of ours shows the refusal is the certificate's.
    const member = await ours.identity('w1', 'worker');
    const control = { key: member.keyPem, cert: member.certChainPem, ca: [ours.root.certPem] };
    assert.ok(
      (await dialWith(server.port, { ...control, checkServerIdentity: () => undefined })).ok,
    );
    // Our node dialling their manager does not trust it either.
    const theirServer = await serve(stranger, theirs.policy);
    const result = await dial(theirServer.port, member, ours.policy);
    assert.equal(result.ok, false);
  },
);

test(
  'a certificate from our CA naming another cluster is refused by the policy',
  { timeout: 20_000 },
  async () => {
    const c = await cluster(1);
    const server = await serve(await c.identity('m1', 'manager'), c.policy);
    const odd = await c.identity('w9', 'worker', { clusterId: 'c2' });
    assert.equal((await dial(server.port, odd, { ...c.policy, clusterId: 'c1' })).ok, false);
    assert.deepEqual(code(server), ['CA_PEER_FORBIDDEN']);
    assert.match(server.refusals[0]?.message ?? '', /not part of organization/);
  },
);

test(
  'an expired certificate is refused by OpenSSL, and by the injected clock',
  { timeout: 20_000 },
  async () => {
    const c = await cluster(1);
    const server = await serve(await c.identity('m1', 'manager'), c.policy);
    const stale = await c.identity('w1', 'worker', { now: realNow - 100 * day });
    assert.equal((await dial(server.port, stale, c.policy)).ok, false);
    assert.equal(server.handshakeErrors.length, 1);

    const fresh = await c.identity('w2', 'worker');
    assert.equal((await dial(server.port, fresh, c.policy)).ok, true);
    c.clock.advance(91 * day);
    // The dialler keeps real time here, so it is the server's policy clock that refuses.
    const realTime = { ...c.policy, now: () => realNow };
    assert.equal((await dial(server.port, fresh, realTime)).ok, false);
    assert.deepEqual(code(server), ['CA_PEER_UNAUTHENTICATED']);
  },
);

test(
  "a removed node's certificate is refused from the moment it is removed",
  { timeout: 20_000 },
  async () => {
    const c = await cluster(1);
    const server = await serve(await c.identity('m1', 'manager'), c.policy);
    const w1 = await c.identity('w1', 'worker');
    assert.equal((await dial(server.port, w1, c.policy)).ok, true);
    c.removed.add('w1');
    assert.equal((await dial(server.port, w1, c.policy)).ok, false);
    assert.deepEqual(code(server), ['CA_NODE_REMOVED']);
    assert.equal(server.refusals[0]?.message, 'Permission denied: node w1 was removed from swarm');
    // A client refuses a removed server just as well, inside its handshake.
    c.removed.add('m1');
    const result = await dial(server.port, await c.identity('w2', 'worker'), c.policy);
    assert.equal(result.ok, false);
    assert.ok(
      !result.ok && result.error instanceof ShoalError && result.error.code === 'CA_NODE_REMOVED',
    );
  },
);

test('role and node expectations are enforced', { timeout: 20_000 }, async () => {
  const c = await cluster(1);
  const server = await serve(await c.identity('m1', 'manager'), {
    ...c.policy,
    allowedRoles: ['manager'],
  });
  assert.equal((await dial(server.port, await c.identity('w1', 'worker'), c.policy)).ok, false);
  assert.deepEqual(code(server), ['CA_PEER_FORBIDDEN']);
  assert.match(server.refusals[0]?.message ?? '', /not part of OUs: \[swarm-manager\]/);
  const wrongNode = await dial(server.port, await c.identity('m2', 'manager'), {
    ...c.policy,
    expectedNodeId: 'm7',
  });
  assert.ok(
    !wrongNode.ok &&
      wrongNode.error instanceof ShoalError &&
      wrongNode.error.code === 'CA_PEER_FORBIDDEN',
  );
});

test('authorizePeer checks validity bounds against the policy clock', () => {
  const identity = {
    nodeId: 'n',
    role: 'worker',
    clusterId: 'c',
    notBefore: 100,
    notAfter: 200,
    serialNumber: '01',
  } as const;
  const at = (now: number): PeerPolicy => ({
    clusterId: 'c',
    now: () => now,
    isRemoved: () => false,
  });
  assert.equal(authorizePeer(identity, at(100)), identity);
  assert.equal(authorizePeer(identity, at(200)), identity);
  assert.throws(
    () => authorizePeer(identity, at(99)),
    (e: unknown) => e instanceof ShoalError && e.status === 401,
  );
  assert.throws(
    () => authorizePeer(identity, at(201)),
    (e: unknown) => e instanceof ShoalError && e.status === 401,
  );
});
