import type { Config } from '../../../src/api/objects/config.ts';
import type { Network } from '../../../src/api/objects/network.ts';
import type { Node } from '../../../src/api/objects/node.ts';
import type { Secret } from '../../../src/api/objects/secret.ts';
import type { Service } from '../../../src/api/objects/service.ts';
import type { ServiceSpec } from '../../../src/api/objects/service-spec.ts';
import type { Task } from '../../../src/api/objects/task.ts';

/** The envelope fixtures use: version 7, fixed times. */
export const META = {
  version: 7,
  createdAt: '2024-05-01T10:00:00.000Z',
  updatedAt: '2024-05-01T11:00:00.000Z',
} as const;

/** A minimal valid service spec, with overrides. */
export function aServiceSpec(overrides: Partial<ServiceSpec> = {}): ServiceSpec {
  return {
    Name: 'web',
    TaskTemplate: { ContainerSpec: { Image: 'nginx:1.25' } },
    ...overrides,
  };
}

/** A stored service, with overrides. */
export function aService(overrides: Partial<Service> = {}): Service {
  return { id: 'svc1', meta: META, Spec: aServiceSpec(), ...overrides };
}

/** A stored worker node that is ready and active, with overrides. */
export function aNode(overrides: Partial<Node> = {}): Node {
  return {
    id: 'node1',
    meta: META,
    Spec: { Role: 'worker', Availability: 'active', Labels: {} },
    Description: { Hostname: 'host-1', Platform: { OS: 'linux', Architecture: 'x86_64' } },
    Status: { State: 'ready', Addr: '10.0.0.1' },
    Role: 'worker',
    Membership: 'accepted',
    ...overrides,
  };
}

/** A stored running task of service `svc1` (named `web`), slot 1, with overrides. */
export function aTask(overrides: Partial<Task> = {}): Task {
  return {
    id: 'task1',
    meta: META,
    Spec: { ContainerSpec: { Image: 'nginx:1.25' } },
    ServiceID: 'svc1',
    ServiceAnnotations: { Name: 'web', Labels: { tier: 'front' } },
    Slot: 1,
    NodeID: 'node1',
    Status: { State: 'running', Message: 'started' },
    DesiredState: 'running',
    ...overrides,
  };
}

/** A stored overlay network, with overrides. */
export function aNetwork(overrides: Partial<Network> = {}): Network {
  return {
    id: 'net1',
    meta: META,
    Spec: { Name: 'backend', Labels: {}, DriverConfiguration: { Name: 'overlay' } },
    ...overrides,
  };
}

/** A stored secret holding `hello`, with overrides. */
export function aSecret(overrides: Partial<Secret> = {}): Secret {
  return {
    id: 'sec1',
    meta: META,
    Spec: { Name: 'db-pass', Labels: {}, Data: 'aGVsbG8=' },
    ...overrides,
  };
}

/** A stored config holding `hello`, with overrides. */
export function aConfig(overrides: Partial<Config> = {}): Config {
  return {
    id: 'cfg1',
    meta: META,
    Spec: { Name: 'app-conf', Labels: {}, Data: 'aGVsbG8=' },
    ...overrides,
  };
}
