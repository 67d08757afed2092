import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import tls from 'node:tls';
import { SystemClock } from '../../src/base/clock.ts';
import { heartbeatMethod } from '../../src/manager/dispatcher/rpc-methods.ts';
import { RAFT_ALPN } from '../../src/manager/rpc/cluster-listener.ts';
import { RpcClient } from '../../src/manager/rpc/rpc-client.ts';
import type { DaemonProcess } from './daemon-process.ts';

/** A node's certificate chain and key, PEM. */
export interface Pem {
  readonly cert: string;
  readonly key: string;
}

/** The certificate and key `daemon` keeps in its data dir. */
export async function nodeCertificate(daemon: DaemonProcess): Promise<Pem> {
  const dir = join(daemon.dir, 'data', 'certificates');
  return {
    cert: await readFile(join(dir, 'swarm-node.crt'), 'utf8'),
    key: await readFile(join(dir, 'swarm-node.key'), 'utf8'),
  };
}

/** A heartbeat call to `address` presenting `pem` (none: no client certificate). */
export async function heartbeatAs(address: string, pem: Pem | undefined): Promise<unknown> {
  const client = new RpcClient(
    {
      // The server is not what is under test: its certificate is not checked here.
      tlsOptions: () => ({ rejectUnauthorized: false, ...(pem ?? {}) }),
      timeoutMs: 5_000,
    },
    { clock: new SystemClock() },
  );
  try {
    return await client.call(address, heartbeatMethod, {});
  } finally {
    client.close();
  }
}

/**
 * Opens a Raft stream to `address` presenting `pem`; resolves true once the server hangs up,
 * rejects if it keeps the connection for 5 s.
 */
export function raftRefused(address: string, pem: Pem | undefined): Promise<boolean> {
  const [host, port] = address.split(':');
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host,
      port: Number(port),
      ALPNProtocols: [RAFT_ALPN],
      rejectUnauthorized: false,
      ...(pem ?? {}),
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the Raft connection to ${address} stayed open for 5 s`));
    }, 5_000);
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
