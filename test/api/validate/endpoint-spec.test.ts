import { describe } from 'node:test';
import type { EndpointSpec, PortConfig } from '../../../src/api/objects/service-spec.ts';
import { validateEndpointSpec } from '../../../src/api/validate/endpoint-spec.ts';
import { problemTable } from '../support/problems.ts';

const port = (overrides: Partial<PortConfig> = {}): PortConfig => ({
  Protocol: 'tcp',
  TargetPort: 80,
  PublishedPort: 8080,
  PublishMode: 'ingress',
  ...overrides,
});

describe('validateEndpointSpec', () => {
  problemTable<EndpointSpec | undefined>(validateEndpointSpec, [
    { name: 'absent', input: undefined },
    { name: 'vip with ports', input: { Mode: 'vip', Ports: [port()] } },
    { name: 'no mode, bare port', input: { Ports: [{ TargetPort: 80 }] } },
    {
      name: 'dnsrr with host ports',
      input: { Mode: 'dnsrr', Ports: [port({ PublishMode: 'host' })] },
    },
    {
      name: 'same port, different protocols',
      input: { Ports: [port(), port({ Protocol: 'udp' })] },
    },
    {
      name: 'several unpublished ports',
      input: { Ports: [port({ PublishedPort: 0 }), port({ PublishedPort: 0 })] },
    },
    {
      name: 'unknown mode',
      input: { Mode: 'round-robin' as 'vip' },
      field: 'EndpointSpec.Mode',
      message: 'invalid resolution mode: "round-robin"',
    },
    {
      name: 'unknown protocol',
      input: { Ports: [port({ Protocol: 'icmp' as 'tcp' })] },
      field: 'EndpointSpec.Ports[0].Protocol',
      message: 'invalid protocol "icmp" for port 80: use tcp, udp or sctp',
    },
    {
      name: 'unknown publish mode',
      input: { Ports: [port(), port({ PublishedPort: 9090, PublishMode: 'mesh' as 'host' })] },
      field: 'EndpointSpec.Ports[1].PublishMode',
      message: 'invalid publish mode "mesh": use ingress or host',
    },
    {
      name: 'port out of range',
      input: { Ports: [port({ TargetPort: 70000 })] },
      field: 'EndpointSpec.Ports[0].TargetPort',
    },
    {
      name: 'dnsrr with an ingress port',
      input: { Mode: 'dnsrr', Ports: [port()] },
      field: 'EndpointSpec.Ports[0]',
      message: "EndpointSpec: port published with ingress mode can't be used with dnsrr mode",
    },
    {
      name: 'dnsrr with a port whose mode is unset (ingress)',
      input: { Mode: 'dnsrr', Ports: [{ TargetPort: 80 }] },
      message: "EndpointSpec: port published with ingress mode can't be used with dnsrr mode",
    },
    {
      name: 'the same published port twice',
      input: { Ports: [port(), port({ TargetPort: 81 })] },
      field: 'EndpointSpec.Ports[1].PublishedPort',
      message: 'EndpointSpec: duplicate published ports provided',
    },
    {
      name: 'an unset protocol is tcp when spotting duplicates',
      input: { Ports: [port(), { PublishedPort: 8080, TargetPort: 81 }] },
      message: 'EndpointSpec: duplicate published ports provided',
    },
  ]);
});
