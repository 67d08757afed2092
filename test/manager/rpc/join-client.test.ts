import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { ShoalError } from '../../../src/base/errors.ts';
import { generateJoinTokens, roleForJoinToken } from '../../../src/manager/ca/join-token.ts';
import { signNodeCertificate } from '../../../src/manager/ca/node-certificate.ts';
import { createNodeCsr } from '../../../src/manager/ca/node-csr.ts';
import { joinCluster } from '../../../src/manager/rpc/join-client.ts';
import { getRootCaMethod, joinMethod } from '../../../src/manager/rpc/rpc-methods.ts';
import { seededBytes } from '../ca/cluster-pki.ts';
import { expectNoTcpHandles } from '../../raft/transport/tcp-harness.ts';
import { TestPki } from './cluster-fixture.ts';

const pkis: TestPki[] = [];
after(async () => {
  for (const pki of pkis) await pki.close();
  await expectNoTcpHandles();
});

/** A manager listener with the CA side of the join RPCs, counting join calls. */
async function managerWithJoin(seed: number) {
  const pki = await TestPki.create(seed);
  pkis.push(pki);
  const tokens = generateJoinTokens(pki.root.certPem, seededBytes(seed));
  const { listener, rpc } = await pki.listener(await pki.identity('m1', 'manager'));
  const joins: string[] = [];
  rpc.unary(getRootCaMethod, () => ({ rootCA: pki.root.certPem }));
  rpc.unary(joinMethod, async (req, ctx) => {
    assert.equal(ctx.caller.anonymous, true);
    joins.push(req.hostname);
    const role = roleForJoinToken(req.token, tokens);
    const nodeId = `n${joins.length}`;
    const certificate = await signNodeCertificate({
      csrPem: req.csr,
      issuer: pki.root,
      node: { nodeId, role, clusterId: pki.clusterId },
      now: pki.clock.now(),
      randomBytes: seededBytes(joins.length),
    });
    return { nodeId, certificate, rootCA: pki.root.certPem, role };
  });
  return { pki, tokens, listener, joins };
}

test('join: token and CSR for a certificate, then mutual TLS with it', async () => {
  const { pki, tokens, listener, joins } = await managerWithJoin(31);
  const joined = await joinCluster(
    {
      token: tokens.worker,
      managerAddress: listener.address,
      hostname: 'box',
      advertiseAddr: '127.0.0.1:2377',
    },
    { clock: pki.clock },
  );
  assert.equal(joined.role, 'worker');
  assert.equal(joined.nodeId, 'n1');
  assert.deepEqual(joins, ['box']);
  const client = pki.client(joined.identity);
  assert.deepEqual(await client.call(listener.address, getRootCaMethod, {}), {
    rootCA: pki.root.certPem,
  });
});

test('join: a token pinning another root is refused before the CSR is made or sent', async () => {
  const { pki, listener, joins } = await managerWithJoin(32);
  const other = await TestPki.create(33);
  const foreignTokens = generateJoinTokens(other.root.certPem, seededBytes(33));
  let csrs = 0;
  await assert.rejects(
    joinCluster(
      {
        token: foreignTokens.manager,
        managerAddress: listener.address,
        hostname: 'box',
        advertiseAddr: '127.0.0.1:1',
      },
      {
        clock: pki.clock,
        createCsr: () => {
          csrs++;
          return createNodeCsr();
        },
      },
    ),
    (err: unknown) => err instanceof ShoalError && err.code === 'CA_FINGERPRINT_MISMATCH',
  );
  assert.equal(csrs, 0);
  assert.deepEqual(joins, []);
});

test('join: a rotated-out token is rejected by the manager', async () => {
  const { pki, listener } = await managerWithJoin(34);
  const stale = generateJoinTokens(pki.root.certPem, seededBytes(99)).worker;
  await assert.rejects(
    joinCluster(
      {
        token: stale,
        managerAddress: listener.address,
        hostname: 'box',
        advertiseAddr: '127.0.0.1:1',
      },
      { clock: pki.clock },
    ),
    (err: unknown) => err instanceof ShoalError && err.code === 'CA_JOIN_TOKEN_REJECTED',
  );
});
