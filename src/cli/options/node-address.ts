import { InvalidArgumentError } from 'commander';

/** `--listen-addr`'s default: every interface, port 2377. */
export const DEFAULT_LISTEN_ADDR = '0.0.0.0:2377';

/**
 * A `--listen-addr` value as docker's `NodeAddrOption` reads it: `host`, `host:port`,
 * `:port` or `tcp://host:port`, with the missing parts taken from `fallback`
 * (`eth0` → `eth0:2377`). Returns `host:port`; throws with docker's reason otherwise.
 */
export function parseNodeAddress(value: string, fallback = DEFAULT_LISTEN_ADDR): string {
  if (value === '' || value === 'tcp://') return fallback;
  const address = value.replace(/^tcp:\/\//, '');
  if (address.includes('://') || address === '') {
    throw new InvalidArgumentError(`invalid proto, expected tcp: ${value}`);
  }
  const [defaultHost, defaultPort] = splitHostPort(fallback) ?? ['', ''];
  const hostPart = address.replace(/\/.*$/, '');
  const split = splitHostPort(hostPart) ?? splitHostPort(joinHostPort(hostPart, defaultPort));
  if (split === undefined) throw new InvalidArgumentError(`invalid bind address format: ${value}`);
  const [host, port] = split;
  const finalPort = port === '' ? defaultPort : port;
  if (!/^\d+$/.test(finalPort) || Number(finalPort) === 0) {
    throw new InvalidArgumentError(`invalid bind address format: ${value}`);
  }
  return joinHostPort(host === '' ? defaultHost : host, finalPort);
}

/** Go's `net.SplitHostPort`, returning undefined where Go errs. */
function splitHostPort(address: string): [string, string] | undefined {
  const bracketed = /^\[([^\]]*)\]:([^:]*)$/.exec(address);
  if (bracketed !== null) return [bracketed[1] ?? '', bracketed[2] ?? ''];
  const colon = address.lastIndexOf(':');
  if (colon < 0) return undefined;
  const host = address.slice(0, colon);
  if (host.includes(':') || host.includes('[') || host.includes(']')) return undefined;
  return [host, address.slice(colon + 1)];
}

function joinHostPort(host: string, port: string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
