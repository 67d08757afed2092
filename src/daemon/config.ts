import { hostname as machineHostname } from 'node:os';
import { isIP } from 'node:net';
import { ShoalError } from '../base/errors.ts';

/** How the daemon runs tasks; `auto` picks `docker` when a Docker-API socket answers. */
export type ExecutorKind = 'docker' | 'process' | 'auto';

/** TLS material for the TCP API listener, as file paths (dockerd's `--tls*` flags). */
export interface ApiTlsPaths {
  readonly certPath: string;
  readonly keyPath: string;
  /** With `verifyClients`, clients must present a certificate signed by this CA. */
  readonly caPath?: string;
  readonly verifyClients: boolean;
}

/** Everything `shoal daemon` is told on its command line, with defaults filled in. */
export interface DaemonConfig {
  readonly dataDir: string;
  readonly apiSocket: string;
  readonly apiTcp?: { readonly host: string; readonly port: number; readonly tls?: ApiTlsPaths };
  /** Where cluster traffic (mutual TLS) is accepted. */
  readonly listenAddr: { readonly host: string; readonly port: number };
  /** What other nodes are told to dial; derived at `swarm init`/`join` when absent. */
  readonly advertiseAddr?: string;
  readonly hostname: string;
  readonly executor: ExecutorKind;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  /**
   * Milliseconds per Raft tick of this node's manager (hidden `--raft-tick-ms`, for tests);
   * absent means the RaftNode's default. Elections take 10–20 ticks.
   */
  readonly raftTickMs?: number;
}

/** The flags as commander hands them over (all strings or booleans, nothing validated). */
export interface DaemonFlags {
  readonly dataDir?: string;
  readonly apiSocket?: string;
  readonly apiTcp?: string;
  readonly tlscert?: string;
  readonly tlskey?: string;
  readonly tlscacert?: string;
  readonly tlsverify?: boolean;
  readonly listenAddr?: string;
  readonly advertiseAddr?: string;
  readonly hostname?: string;
  readonly executor?: string;
  readonly logLevel?: string;
  readonly raftTickMs?: string;
}

export const DEFAULT_DATA_DIR = '/var/lib/shoal';
export const DEFAULT_API_SOCKET = '/var/run/shoal.sock';
export const DEFAULT_LISTEN_ADDR = '0.0.0.0:2377';
export const DEFAULT_CLUSTER_PORT = 2377;

function invalid(field: string, message: string): ShoalError {
  return new ShoalError('DAEMON_CONFIG_INVALID', message, { status: 400, field });
}

/**
 * Parses `HOST:PORT` (IPv6 in brackets) or a bare host when `defaultPort` is given. The host
 * must be an IP address: interface names are resolved at `swarm init`, not here.
 */
export function parseHostPort(
  field: string,
  text: string,
  defaultPort?: number,
): { host: string; port: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  const plain = /^([^:]+)(?::(\d+))?$/.exec(text);
  const match = bracketed ?? plain;
  const host = match?.[1];
  const portText = match?.[2];
  if (host === undefined || isIP(host) === 0) {
    throw invalid(
      field,
      `${field} "${text}" is not IP:PORT; give an IP address such as 127.0.0.1:2377`,
    );
  }
  const port = portText === undefined ? defaultPort : Number(portText);
  if (port === undefined || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw invalid(field, `${field} "${text}" needs a port between 0 and 65535`);
  }
  return { host, port };
}

function isLoopback(host: string): boolean {
  return host === '::1' || host.startsWith('127.');
}

function parseApiTcp(flags: DaemonFlags): DaemonConfig['apiTcp'] {
  if (flags.apiTcp === undefined) return undefined;
  const { host, port } = parseHostPort('--api-tcp', flags.apiTcp);
  if (flags.tlscert === undefined || flags.tlskey === undefined) {
    if (!isLoopback(host)) {
      throw invalid(
        '--api-tcp',
        `--api-tcp ${flags.apiTcp} would expose the API without TLS; give --tlscert and --tlskey, or listen on 127.0.0.1`,
      );
    }
    return { host, port };
  }
  const verifyClients = flags.tlsverify ?? false;
  if (verifyClients && flags.tlscacert === undefined) {
    throw invalid(
      '--tlsverify',
      '--tlsverify needs --tlscacert, the CA that signs client certificates',
    );
  }
  const tls: ApiTlsPaths = {
    certPath: flags.tlscert,
    keyPath: flags.tlskey,
    verifyClients,
    ...(flags.tlscacert === undefined ? {} : { caPath: flags.tlscacert }),
  };
  return { host, port, tls };
}

/** Bounds of `--raft-tick-ms`: below 5 ms timers dominate; above 10 s elections take minutes. */
const RAFT_TICK_MS = { min: 5, max: 10_000 } as const;

function parseRaftTick(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms < RAFT_TICK_MS.min || ms > RAFT_TICK_MS.max) {
    throw invalid(
      '--raft-tick-ms',
      `--raft-tick-ms must be a whole number of milliseconds between ${RAFT_TICK_MS.min} and ${RAFT_TICK_MS.max}, not "${text}"`,
    );
  }
  return ms;
}

function oneOf<T extends string>(field: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw invalid(field, `${field} must be one of ${allowed.join(', ')}, not "${value}"`);
}

/** Validates the daemon's flags and fills the defaults; throws `DAEMON_CONFIG_INVALID` naming the flag. */
export function daemonConfigFrom(flags: DaemonFlags): DaemonConfig {
  const hostname = flags.hostname ?? machineHostname();
  if (!/^[A-Za-z0-9]([A-Za-z0-9.-]{0,252})$/.test(hostname)) {
    throw invalid('--hostname', `--hostname "${hostname}" is not a valid host name`);
  }
  if (flags.advertiseAddr !== undefined) {
    parseHostPort('--advertise-addr', flags.advertiseAddr, DEFAULT_CLUSTER_PORT);
  }
  const apiTcp = parseApiTcp(flags);
  const raftTickMs = parseRaftTick(flags.raftTickMs);
  return {
    dataDir: flags.dataDir ?? DEFAULT_DATA_DIR,
    apiSocket: flags.apiSocket ?? DEFAULT_API_SOCKET,
    ...(apiTcp === undefined ? {} : { apiTcp }),
    listenAddr: parseHostPort(
      '--listen-addr',
      flags.listenAddr ?? DEFAULT_LISTEN_ADDR,
      DEFAULT_CLUSTER_PORT,
    ),
    ...(flags.advertiseAddr === undefined ? {} : { advertiseAddr: flags.advertiseAddr }),
    hostname,
    executor: oneOf('--executor', flags.executor ?? 'auto', ['docker', 'process', 'auto'] as const),
    logLevel: oneOf('--log-level', flags.logLevel ?? 'info', [
      'debug',
      'info',
      'warn',
      'error',
    ] as const),
    ...(raftTickMs === undefined ? {} : { raftTickMs }),
  };
}
