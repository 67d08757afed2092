import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

/** A listening server of a {@link SocketLayer}. */
export interface Listener {
  /** The bound address as `host:port` (the real port when 0 was asked for). */
  readonly address: string;
  /** Stops accepting; resolves once the server is closed (accepted sockets are the caller's). */
  close(): Promise<void>;
}

/**
 * How the TCP transport opens byte streams, so a secure layer (mutual TLS with node
 * certificates) can replace plain TCP without touching the transport. Addresses are
 * `host:port` strings, with IPv6 hosts in brackets (`[::1]:2377`).
 */
export interface SocketLayer {
  /**
   * Opens a stream to `address`. Resolves once it is ready to carry data (for TLS: after the
   * handshake and certificate checks), rejects on failure. When `signal` aborts first, the
   * attempt must be abandoned, its socket destroyed and the promise rejected.
   */
  connect(address: string, signal: AbortSignal): Promise<Duplex>;
  /**
   * Listens on `host:port` (port 0 picks a free one) and hands every accepted, ready stream
   * to `onConnection`. Rejects if the address cannot be bound.
   */
  listen(host: string, port: number, onConnection: (socket: Duplex) => void): Promise<Listener>;
}

/** A parsed `host:port` address. */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** Parses `host:port` or `[ipv6]:port`; throws a RangeError naming the bad address. */
export function parseAddress(address: string): HostPort {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(address);
  const host = match?.[1] ?? match?.[2];
  const port = Number(match?.[3]);
  if (host === undefined || !Number.isInteger(port) || port > 65535) {
    throw new RangeError(`"${address}" is not a host:port address (use [addr]:port for IPv6)`);
  }
  return { host, port };
}

/** Formats a host and port as {@link parseAddress} reads them. */
export function formatAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * Connects with `open()` and resolves with the socket once it emits `readyEvent` (`connect`
 * for TCP, `secureConnect` for TLS), after `accept` (when given) has approved it; `accept`
 * returns an error to refuse the socket, which is then destroyed. Rejects on a socket error,
 * on an `open()` that throws, and when `signal` aborts first (the socket is destroyed).
 */
export function connectAbortable<S extends net.Socket>(
  address: string,
  signal: AbortSignal,
  open: () => S,
  readyEvent: 'connect' | 'secureConnect',
  accept?: (socket: S) => Error | undefined,
): Promise<S> {
  return new Promise((resolve, reject) => {
    let socket: S;
    try {
      socket = open();
    } catch (err) {
      reject(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    const onAbort = (): void => {
      socket.destroy(new Error(`connection to ${address} abandoned`));
    };
    const onError = (err: Error): void => {
      signal.removeEventListener('abort', onAbort);
      reject(err);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    socket.once('error', onError);
    socket.once(readyEvent, () => {
      signal.removeEventListener('abort', onAbort);
      socket.removeListener('error', onError);
      const refusal = accept?.(socket);
      if (refusal !== undefined) {
        socket.destroy();
        reject(refusal);
        return;
      }
      resolve(socket);
    });
  });
}

/** Plain TCP from `node:net`, with Nagle's algorithm off: Raft messages are small and urgent. */
export const netSocketLayer: SocketLayer = {
  connect(address, signal) {
    return connectAbortable(
      address,
      signal,
      () => {
        const target = parseAddress(address);
        return net.connect({ host: target.host, port: target.port, noDelay: true });
      },
      'connect',
    );
  },

  listen(host, port, onConnection) {
    const server = net.createServer({ noDelay: true }, onConnection);
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.removeListener('error', reject);
        // Errors after binding (EMFILE on accept) must not crash the process; accepting goes on.
        server.on('error', () => {});
        const bound = server.address() as AddressInfo;
        resolve({
          address: formatAddress(bound.address, bound.port),
          close: () => new Promise<void>((done) => server.close(() => done())),
        });
      });
    });
  },
};
