import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  completePendingRenewal,
  tlsInfoOf,
} from '../../../src/daemon/swarm/certificate-renewer.ts';
import {
  loadSwarmCertificates,
  saveSwarmCertificates,
} from '../../../src/daemon/swarm/swarm-certificates.ts';
import { caIssuerInfo } from '../../../src/manager/ca/certificate-issuer-info.ts';
import { prepareRootRotation } from '../../../src/manager/ca/cross-signed-root.ts';
import { issueIdentity, makeRoot, seededBytes } from '../../manager/ca/cluster-pki.ts';

const dirs: string[] = [];
after(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));
const now = Date.now();
const record = { nodeId: 'n1', role: 'worker' as const, clusterId: 'c1' };

test('a node reports its issuer: the old root, then the new root through the cross-signed chain', async () => {
  const oldRoot = await makeRoot(now, 41);
  const before = await issueIdentity(oldRoot, record, { now, trustedRootsPem: [oldRoot.certPem] });
  assert.deepEqual(tlsInfoOf(before), {
    TrustRoot: oldRoot.certPem,
    ...caIssuerInfo(oldRoot.certPem),
  });

  const material = await prepareRootRotation(oldRoot, now, seededBytes(42));
  // Mid-rotation the new root signs, its cross-signed twin following the leaf; the node still
  // trusts only the old root, and names the new root from its chain.
  const issuer = {
    certPem: material.newRoot.certPem,
    key: material.newRoot.key,
    intermediatesPem: material.crossSignedPem,
  };
  const after = await issueIdentity(issuer, record, { now, trustedRootsPem: [oldRoot.certPem] });
  assert.deepEqual(tlsInfoOf(after), {
    TrustRoot: oldRoot.certPem,
    ...caIssuerInfo(material.newRoot.certPem),
  });
});

test('a renewal interrupted between its files is completed from the pending file at start', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'shoal-renewer-'));
  dirs.push(dir);
  await completePendingRenewal(dir);
  await saveSwarmCertificates(dir, { rootCaCertPem: 'R1', nodeCertPem: 'C1', nodeKeyPem: 'K1' });
  const renewed = { rootCaCertPem: 'R1R2', nodeCertPem: 'C2', nodeKeyPem: 'K2' };
  // As if the node died after the pending file and the key were written, before the certificate.
  await writeFile(join(dir, 'swarm-node.pending.json'), JSON.stringify(renewed));
  await writeFile(join(dir, 'swarm-node.key'), 'K2');
  await completePendingRenewal(dir);
  assert.deepEqual(await loadSwarmCertificates(dir), renewed);
  assert.equal((await readdir(dir)).includes('swarm-node.pending.json'), false);
  assert.equal(await readFile(join(dir, 'swarm-node.crt'), 'utf8'), 'C2');
});
