import { describe } from 'node:test';
import type { NetworkSpec } from '../../../src/api/objects/network.ts';
import { validateNetworkSpec } from '../../../src/api/validate/network-spec.ts';
import { problemTable } from '../support/problems.ts';

const pool = (Subnet: string, extra: { Range?: string; Gateway?: string } = {}): NetworkSpec => ({
  Name: 'backend',
  IPAMOptions: { Configs: [{ Subnet, ...extra }] },
});

describe('validateNetworkSpec', () => {
  problemTable<NetworkSpec>(validateNetworkSpec, [
    {
      name: 'a bare overlay',
      input: { Name: 'backend', DriverConfiguration: { Name: 'overlay' } },
    },
    {
      name: 'a pool with range and gateway',
      input: pool('10.1.0.0/16', { Range: '10.1.2.0/24', Gateway: '10.1.0.1' }),
    },
    { name: 'IPv6', input: pool('fd00::/64', { Gateway: 'fd00::1' }) },
    { name: 'an attachable network', input: { Name: 'x', Attachable: true } },
    {
      name: 'attachable ingress',
      input: { Name: 'ingress', Ingress: true, Attachable: true },
      field: 'Attachable',
      message: 'ingress network cannot be attachable',
    },
    { name: 'a dotted name', input: { Name: 'a.b' }, field: 'Name' },
    {
      name: 'the predefined label',
      input: { Name: 'x', Labels: { 'com.docker.swarm.predefined': 'true' } },
      field: 'Labels',
      message:
        'label com.docker.swarm.predefined is for internally created predefined networks and cannot be applied by users',
    },
    {
      name: 'a bad subnet',
      input: pool('10.1.0.0'),
      field: 'IPAMOptions.Configs[0].Subnet',
      message: 'ipam configuration: invalid subnet 10.1.0.0',
    },
    {
      name: 'a range outside the subnet',
      input: pool('10.1.0.0/16', { Range: '10.2.0.0/24' }),
      field: 'IPAMOptions.Configs[0].Range',
      message: 'ipam configuration: subnet 10.1.0.0/16 does not contain range 10.2.0.0/24',
    },
    {
      name: 'a bad range',
      input: pool('10.1.0.0/16', { Range: 'x' }),
      message: 'ipam configuration: invalid range x',
    },
    {
      name: 'a gateway outside the subnet',
      input: pool('10.1.0.0/16', { Gateway: '10.9.0.1' }),
      field: 'IPAMOptions.Configs[0].Gateway',
      message: 'ipam configuration: subnet 10.1.0.0/16 does not contain gateway 10.9.0.1',
    },
    {
      name: 'a bad gateway',
      input: pool('10.1.0.0/16', { Gateway: '10.1.0.300' }),
      message: 'ipam configuration: invalid gateway 10.1.0.300',
    },
  ]);
});
