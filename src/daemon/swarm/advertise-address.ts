import { isIP } from 'node:net';
import type { NetworkInterfaceInfo } from 'node:os';
import { formatAddress } from '../../raft/transport/socket-layer.ts';
import { noAdvertiseAddress } from './swarm-errors.ts';

/** The host interfaces, as `os.networkInterfaces()` returns them. */
export type HostInterfaces = NodeJS.Dict<NetworkInterfaceInfo[]>;

/** Where the advertise address comes from, most specific first. */
export interface AdvertiseSources {
  /** The request's `AdvertiseAddr` (IP, IP:port or an interface name). */
  readonly requested?: string;
  /** The daemon's `--advertise-addr`. */
  readonly configured?: string;
  /** The cluster listener's host (used when it is not a wildcard). */
  readonly listenHost: string;
  readonly interfaces: HostInterfaces;
}

/** A chosen host, and the port when the source named one. */
export interface AdvertiseChoice {
  readonly host: string;
  readonly port?: number;
}

const wildcard = new Set(['0.0.0.0', '::', '']);

function splitHostPort(text: string): AdvertiseChoice {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed?.[1] !== undefined) {
    return bracketed[2] === undefined
      ? { host: bracketed[1] }
      : { host: bracketed[1], port: Number(bracketed[2]) };
  }
  const plain = /^([^:]+):(\d+)$/.exec(text);
  if (plain?.[1] !== undefined && plain[2] !== undefined) {
    return { host: plain[1], port: Number(plain[2]) };
  }
  return { host: text };
}

function interfaceAddress(name: string, interfaces: HostInterfaces): string {
  const addresses = interfaces[name];
  if (addresses === undefined) {
    throw noAdvertiseAddress(
      `advertise address must be a non-zero IP address or network interface (with optional port number), not "${name}"`,
    );
  }
  const ipv4 = addresses.find((a) => a.family === 'IPv4');
  if (ipv4 === undefined) {
    throw noAdvertiseAddress(`interface ${name} has no IPv4 address`);
  }
  return ipv4.address;
}

function resolveSource(text: string, interfaces: HostInterfaces): AdvertiseChoice {
  const { host, port } = splitHostPort(text);
  const ip = isIP(host) === 0 ? interfaceAddress(host, interfaces) : host;
  if (wildcard.has(ip)) {
    throw noAdvertiseAddress(
      `advertise address must be a non-zero IP address or network interface (with optional port number), not "${text}"`,
    );
  }
  return port === undefined ? { host: ip } : { host: ip, port };
}

function onlyExternalIpv4(interfaces: HostInterfaces): string {
  const found: { name: string; address: string }[] = [];
  for (const [name, addresses] of Object.entries(interfaces)) {
    for (const a of addresses ?? []) {
      if (a.family === 'IPv4' && !a.internal) found.push({ name, address: a.address });
    }
  }
  const [first, second] = found;
  if (first === undefined) {
    throw noAdvertiseAddress(
      "could not find the system's IP address - specify one with --advertise-addr",
    );
  }
  if (second !== undefined) {
    throw noAdvertiseAddress(
      `could not choose an IP address to advertise since this system has multiple addresses on different interfaces (${first.address} on ${first.name} and ${second.address} on ${second.name}) - specify one with --advertise-addr`,
    );
  }
  return first.address;
}

/**
 * Chooses the host other nodes are told to dial, as `swarm init` does: the request's address,
 * else the daemon's `--advertise-addr`, else the listen host when it is not a wildcard, else
 * the host's one non-loopback IPv4 address. Interface names resolve to their first IPv4
 * address. Throws `DAEMON_CONFIG_INVALID` with Docker's text when none can be chosen.
 */
export function chooseAdvertiseHost(sources: AdvertiseSources): AdvertiseChoice {
  const given = sources.requested ?? sources.configured;
  if (given !== undefined && given !== '') return resolveSource(given, sources.interfaces);
  if (!wildcard.has(sources.listenHost)) return { host: sources.listenHost };
  return { host: onlyExternalIpv4(sources.interfaces) };
}

/** `host:port` for a choice, taking the listener's bound port when the choice named none. */
export function advertiseAddress(choice: AdvertiseChoice, boundPort: number): string {
  return formatAddress(choice.host, choice.port ?? boundPort);
}
