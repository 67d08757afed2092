import type { Logger } from '../../base/logger.ts';
import { AesGcmCipher } from '../../raft/storage/aes-gcm-cipher.ts';
import type { RecordCipher } from '../../raft/storage/record-cipher.ts';
import type { MemoryStore } from '../../store/memory-store.ts';
import type { Subscription } from '../../store/subscription.ts';
import { clusters } from '../../store/tables.ts';
import type { RandomBytes } from '../ca/random-bytes.ts';
import { parseUnlockKey } from '../ca/unlock-key.ts';
import { loadManagerKeys, saveManagerKeys } from './manager-keys-file.ts';
import { newManagerSecrets, openManagerSecrets, sealManagerSecrets } from './manager-secrets.ts';
import type { KekSource, ManagerSecrets } from './manager-secrets.ts';

/** What a {@link ManagerKeyring} takes from the daemon. */
export interface ManagerKeyringDeps {
  readonly randomBytes: RandomBytes;
  readonly logger: Logger;
}

/** How a manager's keys file is protected, read without opening it (see {@link ManagerKeyring.probe}). */
export type KeysFileState = 'absent' | 'locked' | 'unlocked';

function kekSourceOf(unlockKey: string): KekSource {
  return unlockKey === ''
    ? { kind: 'stored' }
    : { kind: 'unlock-key', unlockKey: parseUnlockKey(unlockKey) };
}

/** What {@link ManagerKeyring.protect} seals the keys for. */
export interface Protection {
  /** The cluster's unlock key (`SWMKEY-1-...`), or `''` for a stored KEK (autolock off). */
  readonly unlockKey: string;
  /** The root CA key to hold from now on; undefined keeps the current one. */
  readonly rootCaKeyPem?: string;
  /**
   * The version of the cluster record this comes from. A record no newer than the one the
   * file was last sealed for is ignored, so replaying the log after a restart never re-seals
   * under an older (perhaps leaked, since rotated) unlock key.
   */
  readonly recordVersion?: number;
}

interface Following {
  readonly store: MemoryStore;
  readonly subscription: Subscription;
  readonly loop: Promise<void>;
}

/**
 * One manager's keys at rest: the Raft DEK and its copy of the root CA key, sealed in
 * `<certificates>/swarm-manager-keys.json` under a KEK that is stored beside them (autolock
 * off) or derived from the cluster's unlock key (autolock on, never written).
 *
 * While the manager runs, {@link follow} keeps the file in step with the replicated cluster
 * record, as swarmkit's key manager does: a new unlock key (rotation), autolock turned on or
 * off, or a new root CA key re-seals the file; the DEK never changes, so the Raft data need not
 * be rewritten. Re-seals run one at a time and only move forward in record versions (the file
 * keeps the version it was sealed for); {@link stop} waits for them and makes a last check
 * against the store, so a change applied just before a shutdown is never lost.
 */
export class ManagerKeyring {
  private chain: Promise<void> = Promise.resolve();
  private following: Following | undefined;
  private cachedCipher: AesGcmCipher | undefined;

  private constructor(
    private readonly dir: string,
    private secrets: ManagerSecrets,
    /** The unlock key text the file is sealed under; '' for a stored KEK. */
    private sealedUnder: string,
    /** The newest cluster record version applied (see {@link Protection.recordVersion}). */
    private recordVersion: number,
    private readonly deps: ManagerKeyringDeps,
  ) {}

  /**
   * A new DEK (and the root CA key, if given) sealed under `unlockKey` (`''` for a stored
   * KEK) and saved to `dir`, replacing any keys file there. Throws `UNLOCK_KEY_INVALID` for a
   * malformed unlock key.
   */
  static async create(
    dir: string,
    options: { readonly rootCaKeyPem?: string; readonly unlockKey?: string },
    deps: ManagerKeyringDeps,
  ): Promise<ManagerKeyring> {
    const unlockKey = options.unlockKey ?? '';
    const secrets = newManagerSecrets(deps.randomBytes, options.rootCaKeyPem);
    await saveManagerKeys(
      dir,
      sealManagerSecrets(secrets, kekSourceOf(unlockKey), deps.randomBytes),
    );
    return new ManagerKeyring(dir, secrets, unlockKey, 0, deps);
  }

  /**
   * Opens the keys file in `dir`. Without autolock `unlockKey` is not needed. With autolock,
   * none throws `SWARM_LOCKED` and a wrong or malformed one `UNLOCK_KEY_INVALID`. A missing
   * file throws ENOENT; a damaged one `SEALED_DATA_CORRUPT`.
   */
  static async open(
    dir: string,
    unlockKey: string | undefined,
    deps: ManagerKeyringDeps,
  ): Promise<ManagerKeyring> {
    const sealed = await loadManagerKeys(dir);
    if (sealed === undefined) {
      throw Object.assign(new Error(`no manager keys file in ${dir}`), { code: 'ENOENT' });
    }
    const key = unlockKey === undefined || !sealed.autolock ? undefined : parseUnlockKey(unlockKey);
    const secrets = openManagerSecrets(sealed, key);
    const sealedUnder = sealed.autolock ? (unlockKey ?? '').trim() : '';
    return new ManagerKeyring(dir, secrets, sealedUnder, sealed.recordVersion ?? 0, deps);
  }

  /** Whether `dir` holds a keys file, and whether it needs the unlock key to open. */
  static async probe(dir: string): Promise<KeysFileState> {
    const sealed = await loadManagerKeys(dir);
    if (sealed === undefined) return 'absent';
    return sealed.autolock ? 'locked' : 'unlocked';
  }

  /** The Raft storage cipher under the DEK (one instance per keyring). */
  get cipher(): RecordCipher {
    this.cachedCipher ??= new AesGcmCipher(this.secrets.dataKey, this.secrets.dataKeyId);
    return this.cachedCipher;
  }

  /** The root CA key PEM this manager holds, if any. */
  get rootCaKeyPem(): string | undefined {
    return this.secrets.rootCaKeyPem;
  }

  /** True while the file is sealed under an unlock key (a restart will come up locked). */
  get autolocked(): boolean {
    return this.sealedUnder !== '';
  }

  /**
   * Re-seals the file as `target` asks, unless it is what the file holds already or comes from
   * a cluster record no newer than the last one applied. Runs after earlier calls; rejects
   * (and leaves the file as it was) on a malformed unlock key or a failed write.
   */
  protect(target: Protection): Promise<void> {
    const run = this.chain.then(async () => {
      const version = target.recordVersion;
      if (version !== undefined && version <= this.recordVersion) return;
      const unlockKey = target.unlockKey;
      const rootKey = target.rootCaKeyPem ?? this.secrets.rootCaKeyPem;
      const newest = version ?? this.recordVersion;
      if (unlockKey === this.sealedUnder && rootKey === this.secrets.rootCaKeyPem) {
        // Nothing to re-seal; remembering the version in memory is enough, since every
        // record between the file's version and this one carried the same keys.
        this.recordVersion = newest;
        return;
      }
      const { rootCaKeyPem: _old, ...rest } = this.secrets;
      const secrets: ManagerSecrets = {
        ...rest,
        ...(rootKey === undefined ? {} : { rootCaKeyPem: rootKey }),
      };
      const source = kekSourceOf(unlockKey);
      await saveManagerKeys(
        this.dir,
        sealManagerSecrets(secrets, source, this.deps.randomBytes, newest),
      );
      const wasLocked = this.sealedUnder !== '';
      this.secrets = secrets;
      this.sealedUnder = unlockKey;
      this.recordVersion = newest;
      this.deps.logger.info('manager keys re-sealed', {
        autolock: unlockKey !== '',
        autolockChanged: wasLocked !== (unlockKey !== ''),
        recordVersion: newest,
      });
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  /**
   * Starts following `store`'s cluster record: its `UnlockKey` and `RootCA.CAKey` are applied
   * with {@link protect} now and after every change. Failures are logged, never thrown.
   * Call once; {@link stop} ends it.
   */
  follow(store: MemoryStore): void {
    if (this.following !== undefined) throw new Error('ManagerKeyring.follow may be called once');
    const subscription = store.watch({ tables: [clusters], kinds: ['created', 'updated'] });
    const loop = (async () => {
      await this.syncWith(store);
      try {
        for await (const _event of subscription) await this.syncWith(store);
      } catch (err) {
        // An overflowed watch: the last sync in stop() still catches up.
        this.deps.logger.warn('manager keys: stopped following the cluster record', {
          error: String(err),
        });
      }
    })();
    this.following = { store, subscription, loop };
  }

  /** Stops following, applies the store's latest cluster record once more, and waits for writes. */
  async stop(): Promise<void> {
    const following = this.following;
    if (following !== undefined) {
      following.subscription.close();
      await following.loop;
      await this.syncWith(following.store);
    }
    await this.chain;
  }

  private async syncWith(store: MemoryStore): Promise<void> {
    const cluster = store.view((r) => r.all(clusters)[0]);
    if (cluster === undefined) return;
    try {
      await this.protect({
        unlockKey: cluster.UnlockKey ?? '',
        ...(cluster.RootCA?.CAKey === undefined ? {} : { rootCaKeyPem: cluster.RootCA.CAKey }),
        recordVersion: cluster.meta.version,
      });
    } catch (err) {
      this.deps.logger.warn('manager keys: could not re-seal for the cluster record', {
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }
}
