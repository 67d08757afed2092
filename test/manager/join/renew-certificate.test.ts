import { after, afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { ShoalError } from '../../../src/base/errors.ts';
import { readNodeIdentity } from '../../../src/manager/ca/node-certificate.ts';
import { createNodeCsr } from '../../../src/manager/ca/node-csr.ts';
import { renewCertificateMethod } from '../../../src/manager/join/join-methods.ts';
import { nodes } from '../../../src/store/tables.ts';
import { setRole } from '../support/manager-harness.ts';
import { expectNoTcpHandles } from '../../raft/transport/tcp-harness.ts';
import { JoinFixture } from './join-fixture.ts';

let fixture: JoinFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});
after(() => expectNoTcpHandles());

test('renewal names the caller with its current role: a manager certificate after promotion', async () => {
  const f = (fixture = await JoinFixture.create(61));
  const m1 = f.leader.manager;
  const joined = await f.join(f.tokens().worker);
  const client = f.client(joined.identity);
  const address = f.leader.listener.address;

  const same = await client.call(address, renewCertificateMethod, {
    csr: (await createNodeCsr()).csrPem,
  });
  assert.equal(same.role, 'worker');
  assert.equal(same.rootCA, f.root.certPem);

  await setRole(m1, joined.nodeId, 'manager');
  await f.harness.eventually(
    'the node to be promoted',
    () => m1.store.get(nodes, joined.nodeId)?.Role === 'manager',
  );
  // The CSR's subject asks for nothing in particular; the CA's records decide.
  const { csrPem } = await createNodeCsr({ nodeId: 'someone-else', role: 'worker' });
  const renewed = await client.call(address, renewCertificateMethod, { csr: csrPem });
  assert.equal(renewed.role, 'manager');
  const cert = readNodeIdentity(renewed.certificate);
  assert.equal(cert.nodeId, joined.nodeId);
  assert.equal(cert.role, 'manager');
  assert.equal(cert.clusterId, f.policy.clusterId);
});

test('renewal off the leader is refused with MANAGER_NOT_LEADER', async () => {
  const f = (fixture = await JoinFixture.create(62));
  const { joined, member } = await f.joinManager();
  await f.harness.eventually(
    'manager 2 to know the leader',
    () => member.manager.raftView.leader() === 1,
  );
  const client = f.client(joined.identity);
  await assert.rejects(
    client.call(member.listener.address, renewCertificateMethod, {
      csr: (await createNodeCsr()).csrPem,
    }),
    (err: unknown) => err instanceof ShoalError && err.code === 'MANAGER_NOT_LEADER',
  );
});
