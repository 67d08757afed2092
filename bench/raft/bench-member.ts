import { join } from 'node:path';
import { SystemClock } from '../../src/base/clock.ts';
import { SeededRng } from '../../src/base/rng.ts';
import type { NodeId } from '../../src/raft/core/types.ts';
import { RaftNode } from '../../src/raft/node.ts';
import type { StateMachine } from '../../src/raft/node.ts';
import { AesGcmCipher } from '../../src/raft/storage/aes-gcm-cipher.ts';
import { FileStorage } from '../../src/raft/storage/file-storage.ts';
import type { Transport } from '../../src/raft/transport/types.ts';

/** The member IDs of the benchmark cluster. */
export const BENCH_MEMBERS: readonly NodeId[] = [1, 2, 3];

/** Counts applied entries: the cheapest state machine that still sees every commit. */
export class CountingStateMachine implements StateMachine {
  applied = 0;

  apply(): void {
    this.applied++;
  }

  snapshot(): Uint8Array {
    const image = new Uint8Array(8);
    new DataView(image.buffer).setFloat64(0, this.applied);
    return image;
  }

  restore(image: Uint8Array): void {
    this.applied = new DataView(image.buffer, image.byteOffset, image.byteLength).getFloat64(0);
  }
}

/**
 * Builds and starts one member: fsync'd {@link FileStorage} under `<dataRoot>/member-<id>`,
 * the given transport, real time. The transport must already know its peers. With `encrypt`,
 * the storage seals its WAL records and snapshots with AES-256-GCM (a fixed bench key).
 */
export async function startBenchMember(
  id: NodeId,
  dataRoot: string,
  transport: Transport,
  encrypt = false,
): Promise<RaftNode> {
  const rng = new SeededRng(id);
  const options = encrypt ? { cipher: new AesGcmCipher(Buffer.alloc(32, id), `bench-${id}`) } : {};
  const node = new RaftNode(
    {
      id,
      bootstrap: BENCH_MEMBERS,
      storage: new FileStorage(join(dataRoot, `member-${id}`), options),
      transport,
      stateMachine: new CountingStateMachine(),
    },
    { clock: new SystemClock(), random: () => rng.next() },
  );
  await node.start();
  return node;
}

/** Resolves once `node` knows a leader, making `node` campaign first so the wait is short. */
export function leaderElected(node: RaftNode): Promise<NodeId> {
  return new Promise((resolve) => {
    const unsubscribe = node.onLeaderChange((leader) => {
      if (leader === 0) return;
      unsubscribe();
      resolve(leader);
    });
    node.campaign();
  });
}
