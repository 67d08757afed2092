import type { Annotations, Driver, EngineEnvelope, Labels, StoredObject } from './common.ts';
import { pickDefined, toEngineEnvelope } from './envelope.ts';

/** One IPAM pool of a network, in Swarm's spelling (`Range`, not `IPRange`). */
export interface IPAMConfig {
  /** CIDR, e.g. `10.0.1.0/24`. */
  readonly Subnet?: string;
  /** CIDR within `Subnet` that addresses are handed out from. */
  readonly Range?: string;
  readonly Gateway?: string;
}

/** The IPAM driver and pools of a network. */
export interface IPAMOptions {
  readonly Driver?: Driver;
  readonly Configs?: readonly IPAMConfig[];
}

/** A cluster network as the user declares it (Swarm's `NetworkSpec`). */
export interface NetworkSpec extends Annotations {
  /** The network driver (`overlay` when empty) and its options (`encrypted`...). */
  readonly DriverConfiguration?: Driver;
  readonly IPv6Enabled?: boolean;
  readonly Internal?: boolean;
  readonly Attachable?: boolean;
  /** The routing-mesh network; at most one exists. */
  readonly Ingress?: boolean;
  readonly IPAMOptions?: IPAMOptions;
  readonly ConfigFrom?: { readonly Network: string };
  readonly Scope?: string;
}

/** Fields a network has in the store and in Swarm's `Network` JSON. */
export interface NetworkFields {
  readonly Spec: NetworkSpec;
  /** What the allocator set up: the driver and its options (e.g. the VXLAN id list). */
  readonly DriverState?: Driver;
  /** The pools the allocator actually assigned. */
  readonly IPAMOptions?: IPAMOptions;
}

/** A cluster network as the store holds it. */
export interface Network extends StoredObject, NetworkFields {}

/** Swarm's `Network` JSON, as it appears inside a task's `NetworksAttachments`. */
export interface SwarmNetwork extends EngineEnvelope, NetworkFields {}

/** The Swarm JSON of a stored network (whitelisted fields only). Pure. */
export function toSwarmNetwork(network: Network): SwarmNetwork {
  return {
    ...toEngineEnvelope(network),
    Spec: network.Spec,
    ...pickDefined(network, ['DriverState', 'IPAMOptions']),
  };
}

/** One pool as `GET /networks` shows it. */
export interface EngineIPAMConfig {
  readonly Subnet?: string;
  readonly IPRange?: string;
  readonly Gateway?: string;
  readonly AuxiliaryAddresses?: Labels;
}

/** IPAM as `GET /networks` shows it and `POST /networks/create` takes it. */
export interface EngineIPAM {
  readonly Driver?: string;
  readonly Config?: readonly EngineIPAMConfig[];
  readonly Options?: Labels;
}

/** A swarm-scoped network as `GET /networks` returns it (Docker's `NetworkResource`). */
export interface EngineNetwork {
  readonly Name: string;
  readonly Id: string;
  readonly Created: string;
  readonly Scope: 'swarm';
  readonly Driver: string;
  readonly EnableIPv6: boolean;
  readonly IPAM: EngineIPAM;
  readonly Internal: boolean;
  readonly Attachable: boolean;
  readonly Ingress: boolean;
  readonly ConfigFrom: { readonly Network: string };
  readonly ConfigOnly: boolean;
  readonly Containers: Readonly<Record<string, unknown>>;
  readonly Options: Labels;
  readonly Labels: Labels;
}

/** The body of `POST /networks/create`. */
export interface NetworkCreateRequest {
  readonly Name?: string;
  readonly CheckDuplicate?: boolean;
  readonly Driver?: string;
  readonly Scope?: string;
  readonly EnableIPv6?: boolean;
  readonly IPAM?: EngineIPAM;
  readonly Internal?: boolean;
  readonly Attachable?: boolean;
  readonly Ingress?: boolean;
  readonly ConfigOnly?: boolean;
  readonly ConfigFrom?: { readonly Network: string };
  readonly Options?: Labels;
  readonly Labels?: Labels;
}

/** The default network driver of swarm-scoped networks. */
export const DEFAULT_NETWORK_DRIVER = 'overlay';

/**
 * Whether a network is the routing mesh: `Spec.Ingress`, or the legacy form (named
 * `ingress` and labelled `com.docker.swarm.internal`).
 */
export function isIngressNetwork(network: Network): boolean {
  if (network.Spec.Ingress === true) return true;
  const labels = network.Spec.Labels ?? {};
  return network.Spec.Name === 'ingress' && 'com.docker.swarm.internal' in labels;
}

/**
 * The `GET /networks` form of a stored network. Pools come from what the allocator
 * assigned, falling back to the spec; the driver likewise. Pure.
 */
export function toEngineNetwork(network: Network): EngineNetwork {
  const spec = network.Spec;
  const ipam = network.IPAMOptions ?? spec.IPAMOptions;
  const driver = network.DriverState ?? spec.DriverConfiguration;
  return {
    Name: spec.Name ?? '',
    Id: network.id,
    Created: network.meta.createdAt,
    Scope: 'swarm',
    Driver: driver?.Name ?? DEFAULT_NETWORK_DRIVER,
    EnableIPv6: spec.IPv6Enabled ?? false,
    IPAM: {
      Driver: ipam?.Driver?.Name ?? 'default',
      Options: ipam?.Driver?.Options ?? {},
      Config: (ipam?.Configs ?? []).map((pool) => ({
        ...pickDefined(pool, ['Subnet']),
        ...(pool.Range === undefined ? {} : { IPRange: pool.Range }),
        ...pickDefined(pool, ['Gateway']),
      })),
    },
    Internal: spec.Internal ?? false,
    Attachable: spec.Attachable ?? false,
    Ingress: isIngressNetwork(network),
    ConfigFrom: { Network: spec.ConfigFrom?.Network ?? '' },
    ConfigOnly: false,
    Containers: {},
    Options: driver?.Options ?? {},
    Labels: spec.Labels ?? {},
  };
}

/**
 * The network spec a `POST /networks/create` body declares. The IPAM driver defaults to
 * `default`; an empty network driver is left for the allocator to default to `overlay`.
 */
export function networkSpecFromCreateRequest(request: NetworkCreateRequest): NetworkSpec {
  const ipam = request.IPAM;
  return {
    Name: request.Name ?? '',
    Labels: request.Labels ?? {},
    DriverConfiguration: {
      ...(request.Driver === undefined ? {} : { Name: request.Driver }),
      ...(request.Options === undefined ? {} : { Options: request.Options }),
    },
    ...(request.EnableIPv6 === true ? { IPv6Enabled: true } : {}),
    ...(request.Internal === true ? { Internal: true } : {}),
    ...(request.Attachable === true ? { Attachable: true } : {}),
    ...(request.Ingress === true ? { Ingress: true } : {}),
    ...(ipam === undefined
      ? {}
      : {
          IPAMOptions: {
            Driver: {
              Name: ipam.Driver === undefined || ipam.Driver === '' ? 'default' : ipam.Driver,
              ...(ipam.Options === undefined ? {} : { Options: ipam.Options }),
            },
            Configs: (ipam.Config ?? []).map((pool) => ({
              ...pickDefined(pool, ['Subnet']),
              ...(pool.IPRange === undefined ? {} : { Range: pool.IPRange }),
              ...pickDefined(pool, ['Gateway']),
            })),
          },
        }),
    ...(request.ConfigFrom === undefined ? {} : { ConfigFrom: request.ConfigFrom }),
    ...(request.Scope === undefined ? {} : { Scope: request.Scope }),
  };
}
