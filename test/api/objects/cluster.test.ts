import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultSwarmSpec } from '../../../src/api/defaults.ts';
import type { Cluster } from '../../../src/api/objects/cluster.ts';
import { toEngineClusterInfo, toEngineSwarm } from '../../../src/api/objects/cluster.ts';
import { META } from '../support/objects.ts';

function aCluster(overrides: Partial<Cluster> = {}): Cluster {
  return {
    id: 'clu1',
    meta: META,
    Spec: defaultSwarmSpec(),
    JoinTokens: { Worker: 'SWMTKN-1-a-w', Manager: 'SWMTKN-1-a-m' },
    RootCA: { CACert: 'PEM', CAKey: 'SECRET KEY' },
    ...overrides,
  };
}

test('a fresh cluster shows Docker defaults for pool, subnet size and data path port', () => {
  const swarm = toEngineSwarm(aCluster());
  assert.deepEqual(swarm.DefaultAddrPool, ['10.0.0.0/8']);
  assert.equal(swarm.SubnetSize, 24);
  assert.equal(swarm.DataPathPort, 4789);
  assert.equal(swarm.RootRotationInProgress, false);
  assert.deepEqual(swarm.JoinTokens, { Worker: 'SWMTKN-1-a-w', Manager: 'SWMTKN-1-a-m' });
});

test('set values are shown as they are', () => {
  const swarm = toEngineSwarm(
    aCluster({ DefaultAddrPool: ['20.20.0.0/16'], SubnetSize: 26, DataPathPort: 7777 }),
  );
  assert.deepEqual(
    [swarm.DefaultAddrPool, swarm.SubnetSize, swarm.DataPathPort],
    [['20.20.0.0/16'], 26, 7777],
  );
});

test('key material never leaves: no RootCA, no signing CA cert or key', () => {
  const spec = defaultSwarmSpec();
  const cluster = aCluster({
    Spec: { ...spec, CAConfig: { ...spec.CAConfig, SigningCACert: 'CERT', SigningCAKey: 'KEY' } },
  });
  const text = JSON.stringify(toEngineSwarm(cluster));
  for (const secret of ['SECRET KEY', 'CERT', '"KEY"', 'RootCA']) {
    assert.ok(!text.includes(secret), secret);
  }
  assert.equal(toEngineSwarm(cluster).Spec.CAConfig?.NodeCertExpiry, 7_776_000_000_000_000);
});

test('GET /info has no join tokens', () => {
  assert.ok(!('JoinTokens' in toEngineClusterInfo(aCluster())));
});
