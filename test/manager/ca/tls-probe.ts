import { connect, createServer } from 'node:tls';
import type { AddressInfo } from 'node:net';
import type { ShoalError } from '../../../src/base/errors.ts';
import {
  acceptPeer,
  mutualTlsClientOptions,
  mutualTlsServerOptions,
} from '../../../src/manager/ca/tls-identity.ts';
import type { PeerPolicy, TlsIdentity } from '../../../src/manager/ca/tls-identity.ts';
import type { ConnectionOptions } from 'node:tls';

/** A TLS server on 127.0.0.1 that greets each accepted peer by node ID and hangs up. */
export interface ProbeServer {
  readonly port: number;
  /** Refusals by the identity policy, after a completed handshake. */
  readonly refusals: ShoalError[];
  /** Handshakes OpenSSL failed (no certificate, unknown CA, expired). */
  readonly handshakeErrors: Error[];
  close(): Promise<void>;
}

/** Starts a {@link ProbeServer} with `identity` and `policy`. */
export async function startProbeServer(
  identity: TlsIdentity,
  policy: PeerPolicy,
): Promise<ProbeServer> {
  const refusals: ShoalError[] = [];
  const handshakeErrors: Error[] = [];
  const server = createServer(mutualTlsServerOptions(identity), (socket) => {
    const peer = acceptPeer(socket, policy, (error) => refusals.push(error));
    if (peer) socket.end(`hello ${peer.nodeId}`);
  });
  server.on('tlsClientError', (error) => handshakeErrors.push(error));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    refusals,
    handshakeErrors,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The outcome of one dial: the server's greeting, or the error that ended the connection. */
export type DialResult =
  { readonly ok: true; readonly reply: string } | { readonly ok: false; readonly error: Error };

/** Dials `port` with raw TLS options and reads until the server hangs up. */
export function dialWith(port: number, options: ConnectionOptions): Promise<DialResult> {
  return new Promise((resolve) => {
    const socket = connect({ ...options, host: '127.0.0.1', port });
    let reply = '';
    let failure: Error | undefined;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      reply += chunk;
    });
    socket.on('error', (error: Error) => {
      failure ??= error;
    });
    socket.on('close', () => {
      if (failure === undefined && reply.startsWith('hello ')) resolve({ ok: true, reply });
      else resolve({ ok: false, error: failure ?? new Error('closed without a greeting') });
    });
  });
}

/** Dials `port` as a node holding `identity`, checking the server with `policy`. */
export function dial(port: number, identity: TlsIdentity, policy: PeerPolicy): Promise<DialResult> {
  return dialWith(port, mutualTlsClientOptions(identity, policy));
}
