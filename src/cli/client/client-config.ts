import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { chooseHost, parseDaemonHost } from './daemon-host.ts';
import type { EngineClientOptions, TlsMaterial } from './engine-client.ts';

/** The global connection flags (docker's `-H`, `--tls`, `--tlsverify`, `--tlscacert`...). */
export interface ConnectionFlags {
  readonly host?: readonly string[];
  readonly tls?: boolean;
  readonly tlsverify?: boolean;
  readonly tlscacert?: string;
  readonly tlscert?: string;
  readonly tlskey?: string;
}

/** Where TLS files live unless flags name them: `SHOAL_CERT_PATH`, else `~/.shoal`. */
export function certDirectory(env: Readonly<Record<string, string | undefined>>): string {
  const fromEnv = env['SHOAL_CERT_PATH'];
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : join(homedir(), '.shoal');
}

/**
 * The client settings for the given flags and environment, as docker derives them: the
 * host from `-H`, `SHOAL_HOST` or the default socket; TLS when `--tls`, `--tlsverify` or
 * `SHOAL_TLS_VERIFY` is set (verification only with the latter two); the CA, certificate
 * and key from the flags or `ca.pem`, `cert.pem`, `key.pem` in {@link certDirectory} (a file
 * named by a flag must exist; default files are used when present); a fixed API version
 * from `SHOAL_API_VERSION`. Throws an Error for a bad host or an unreadable named file.
 */
export function engineClientOptions(
  flags: ConnectionFlags,
  env: Readonly<Record<string, string | undefined>>,
  userAgent: string,
): EngineClientOptions {
  const verify = flags.tlsverify === true || (env['SHOAL_TLS_VERIFY'] ?? '') !== '';
  const useTls = verify || flags.tls === true;
  const host = parseDaemonHost(chooseHost(flags.host, { SHOAL_HOST: env['SHOAL_HOST'] }), useTls);
  const version = env['SHOAL_API_VERSION'];
  return {
    host,
    userAgent,
    ...(useTls ? { tls: tlsMaterial(flags, env, verify) } : {}),
    ...(version !== undefined && version !== '' ? { fixedApiVersion: version } : {}),
  };
}

function tlsMaterial(
  flags: ConnectionFlags,
  env: Readonly<Record<string, string | undefined>>,
  verify: boolean,
): TlsMaterial {
  const dir = certDirectory(env);
  const read = (named: string | undefined, fallback: string): Buffer | undefined => {
    if (named !== undefined) return readFileSync(named);
    const path = join(dir, fallback);
    return existsSync(path) ? readFileSync(path) : undefined;
  };
  const ca = verify ? read(flags.tlscacert, 'ca.pem') : undefined;
  const cert = read(flags.tlscert, 'cert.pem');
  const key = read(flags.tlskey, 'key.pem');
  return { verify, ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
}
