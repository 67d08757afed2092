import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  isIngressNetwork,
  networkSpecFromCreateRequest,
  toEngineNetwork,
  toSwarmNetwork,
} from '../../../src/api/objects/network.ts';
import { META, aNetwork } from '../support/objects.ts';

test('GET /networks shape: swarm scope, pools in Engine spelling', () => {
  const engine = toEngineNetwork(
    aNetwork({
      DriverState: {
        Name: 'overlay',
        Options: { 'com.docker.network.driver.overlay.vxlanid_list': '4097' },
      },
      IPAMOptions: {
        Driver: { Name: 'default' },
        Configs: [{ Subnet: '10.0.1.0/24', Range: '10.0.1.0/25', Gateway: '10.0.1.1' }],
      },
    }),
  );
  assert.deepEqual(engine, {
    Name: 'backend',
    Id: 'net1',
    Created: META.createdAt,
    Scope: 'swarm',
    Driver: 'overlay',
    EnableIPv6: false,
    IPAM: {
      Driver: 'default',
      Options: {},
      Config: [{ Subnet: '10.0.1.0/24', IPRange: '10.0.1.0/25', Gateway: '10.0.1.1' }],
    },
    Internal: false,
    Attachable: false,
    Ingress: false,
    ConfigFrom: { Network: '' },
    ConfigOnly: false,
    Containers: {},
    Options: { 'com.docker.network.driver.overlay.vxlanid_list': '4097' },
    Labels: {},
  });
});

test('before allocation the spec supplies driver and pools', () => {
  const engine = toEngineNetwork(
    aNetwork({
      Spec: { Name: 'n', IPAMOptions: { Configs: [{ Subnet: '10.9.0.0/16' }] } },
    }),
  );
  assert.equal(engine.Driver, 'overlay');
  assert.deepEqual(engine.IPAM.Config, [{ Subnet: '10.9.0.0/16' }]);
});

test('ingress is recognised by flag or by the legacy name and label', () => {
  assert.ok(isIngressNetwork(aNetwork({ Spec: { Name: 'x', Ingress: true } })));
  assert.ok(
    isIngressNetwork(
      aNetwork({ Spec: { Name: 'ingress', Labels: { 'com.docker.swarm.internal': 'true' } } }),
    ),
  );
  assert.ok(!isIngressNetwork(aNetwork({ Spec: { Name: 'ingress' } })));
});

test('toSwarmNetwork keeps Spec, DriverState and IPAMOptions under the Engine envelope', () => {
  const swarm = toSwarmNetwork(aNetwork({ DriverState: { Name: 'overlay' } }));
  assert.deepEqual(Object.keys(swarm), [
    'ID',
    'Version',
    'CreatedAt',
    'UpdatedAt',
    'Spec',
    'DriverState',
  ]);
});

test('a create request becomes a spec: IPAM driver default, IPRange renamed', () => {
  assert.deepEqual(
    networkSpecFromCreateRequest({
      Name: 'backend',
      Driver: 'overlay',
      Attachable: true,
      Options: { encrypted: '' },
      IPAM: { Config: [{ Subnet: '10.5.0.0/24', IPRange: '10.5.0.0/25' }] },
      Labels: { a: 'b' },
    }),
    {
      Name: 'backend',
      Labels: { a: 'b' },
      DriverConfiguration: { Name: 'overlay', Options: { encrypted: '' } },
      Attachable: true,
      IPAMOptions: {
        Driver: { Name: 'default' },
        Configs: [{ Subnet: '10.5.0.0/24', Range: '10.5.0.0/25' }],
      },
    },
  );
  assert.deepEqual(networkSpecFromCreateRequest({ Name: 'x' }), {
    Name: 'x',
    Labels: {},
    DriverConfiguration: {},
  });
});
