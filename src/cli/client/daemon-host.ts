/** The API socket a daemon listens on when nothing else is configured. */
export const DEFAULT_SOCKET_PATH = '/var/run/shoal.sock';
/** The default daemon address, as `-H` would spell it. */
export const DEFAULT_HOST = `unix://${DEFAULT_SOCKET_PATH}`;
/** TCP port of the API without TLS (Docker's 2375). */
export const DEFAULT_TCP_PORT = 2375;
/** TCP port of the API with TLS (Docker's 2376). */
export const DEFAULT_TLS_PORT = 2376;

/** Where the daemon's Engine API answers. `url` is the address as a user writes it. */
export type DaemonHost =
  | { readonly kind: 'unix'; readonly path: string; readonly url: string }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number; readonly url: string };

/** The environment variables the CLI reads. */
export interface HostEnvironment {
  readonly SHOAL_HOST?: string | undefined;
}

/**
 * The daemon address to use: the `-H/--host` flag, else `SHOAL_HOST`, else
 * {@link DEFAULT_HOST}. Like docker, only one `-H` is accepted by the client.
 */
export function chooseHost(flag: readonly string[] | undefined, env: HostEnvironment): string {
  if (flag !== undefined && flag.length > 1) {
    throw new Error('Please specify only one -H');
  }
  const chosen = flag?.[0] ?? env.SHOAL_HOST;
  return chosen === undefined || chosen === '' ? DEFAULT_HOST : chosen;
}

/**
 * Parses a daemon address: `unix:///path/to.sock`, `tcp://host:port` (the port defaults
 * to 2375, or 2376 with TLS; an empty host means localhost), or a bare `host:port`, read as
 * tcp. Throws an Error with Docker's wording for anything else.
 */
export function parseDaemonHost(address: string, tls: boolean): DaemonHost {
  const trimmed = address.trim();
  const separator = trimmed.indexOf('://');
  const scheme = separator < 0 ? 'tcp' : trimmed.slice(0, separator);
  const rest = separator < 0 ? trimmed : trimmed.slice(separator + 3);
  if (scheme === 'unix') {
    const path = rest === '' ? DEFAULT_SOCKET_PATH : rest;
    return { kind: 'unix', path, url: `unix://${path}` };
  }
  if (scheme !== 'tcp' || rest === '') throw new Error(`Invalid bind address format: ${address}`);
  const withoutPath = rest.replace(/\/+$/, '');
  if (withoutPath.includes('/')) throw new Error(`Invalid bind address format: ${address}`);
  const match = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(withoutPath);
  if (match === null) throw new Error(`Invalid bind address format: ${address}`);
  const rawHost = match[1] ?? '';
  const host = rawHost === '' ? 'localhost' : rawHost.replace(/^\[(.*)\]$/, '$1');
  const portText = match[2] ?? '';
  const port = portText === '' ? (tls ? DEFAULT_TLS_PORT : DEFAULT_TCP_PORT) : Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`Invalid bind address format: ${address}`);
  }
  const shown = host.includes(':') ? `[${host}]` : host;
  return { kind: 'tcp', host, port, url: `tcp://${shown}:${port}` };
}
