import type { Duplex } from 'node:stream';
import { ManualClock } from '../../../src/base/clock.ts';
import type { Message, NodeId } from '../../../src/raft/core/types.ts';
import type { SocketLayer } from '../../../src/raft/transport/socket-layer.ts';
import { netSocketLayer } from '../../../src/raft/transport/socket-layer.ts';
import type { TcpTransportOptions } from '../../../src/raft/transport/tcp-transport.ts';
import { TcpTransport } from '../../../src/raft/transport/tcp-transport.ts';

/** Collects what a transport receives and reports, with promises to await counts. */
export class Inbox {
  readonly messages: Message[] = [];
  readonly unreachable: NodeId[] = [];
  private waiters: (() => void)[] = [];

  constructor(transport: TcpTransport) {
    transport.onMessage((m) => {
      this.messages.push(m);
      this.wake();
    });
    transport.onUnreachable((p) => {
      this.unreachable.push(p);
      this.wake();
    });
  }

  /** Resolves once `count` messages have arrived in total. */
  messagesReach(count: number): Promise<void> {
    return this.until(() => this.messages.length >= count);
  }

  /** Resolves once `count` unreachable reports have arrived in total. */
  unreachableReach(count: number): Promise<void> {
    return this.until(() => this.unreachable.length >= count);
  }

  private until(done: () => boolean): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve) => {
      const check = (): void => {
        if (done()) resolve();
        else this.waiters.push(check);
      };
      this.waiters.push(check);
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

/** A started transport on 127.0.0.1:0 with its inbox, driven by `clock`. */
export async function startMember(
  id: NodeId,
  clock: ManualClock,
  options: Partial<TcpTransportOptions> = {},
): Promise<{ transport: TcpTransport; inbox: Inbox }> {
  const transport = new TcpTransport({ id, ...options }, { clock });
  const inbox = new Inbox(transport);
  await transport.start();
  return { transport, inbox };
}

/** Two started members that know each other's address. */
export async function startPair(options: Partial<TcpTransportOptions> = {}) {
  const clock = new ManualClock();
  const a = await startMember(1, clock, options);
  const b = await startMember(2, clock, options);
  a.transport.setPeer(2, b.transport.address);
  b.transport.setPeer(1, a.transport.address);
  return { clock, a, b };
}

/** Plain TCP that counts writes on outbound streams and announces accepted ones. */
export class CountingSocketLayer implements SocketLayer {
  writes = 0;
  connects = 0;
  readonly accepted: Duplex[] = [];
  private acceptWaiters: (() => void)[] = [];

  async connect(address: string, signal: AbortSignal): Promise<Duplex> {
    this.connects++;
    const socket = await netSocketLayer.connect(address, signal);
    const write = socket.write.bind(socket) as (chunk: Buffer) => boolean;
    socket.write = ((chunk: Buffer) => {
      this.writes++;
      return write(chunk);
    }) as typeof socket.write;
    return socket;
  }

  listen(host: string, port: number, onConnection: (socket: Duplex) => void) {
    return netSocketLayer.listen(host, port, (socket) => {
      this.accepted.push(socket);
      onConnection(socket);
      for (const w of this.acceptWaiters.splice(0)) w();
    });
  }

  /** Resolves once `count` streams have been accepted in total. */
  acceptedReach(count: number): Promise<void> {
    if (this.accepted.length >= count) return Promise.resolve();
    return new Promise((resolve) => {
      const check = (): void => {
        if (this.accepted.length >= count) resolve();
        else this.acceptWaiters.push(check);
      };
      this.acceptWaiters.push(check);
    });
  }
}

/** Handles of TCP servers and sockets still open in this process. */
export function openTcpHandles(): number {
  return process.getActiveResourcesInfo().filter((r) => r.startsWith('TCP')).length;
}

/**
 * Resolves once no TCP handle is open, giving the event loop a bounded number of turns to
 * finish closing destroyed sockets; rejects naming what is still open.
 */
export async function expectNoTcpHandles(): Promise<void> {
  for (let turn = 0; turn < 200; turn++) {
    if (openTcpHandles() === 0) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`TCP handles still open: ${process.getActiveResourcesInfo().join(', ')}`);
}
