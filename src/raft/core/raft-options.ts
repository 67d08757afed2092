import type { LogReader, NodeId, RaftConfig, ReadOnlyOption } from './types.ts';

/** A {@link RaftConfig} with every default filled in and validated. */
export interface RaftOptions {
  readonly id: NodeId;
  readonly electionTick: number;
  readonly heartbeatTick: number;
  readonly storage: LogReader;
  readonly applied: number;
  readonly maxSizePerMsg: number;
  readonly maxInflightMsgs: number;
  readonly maxUncommittedEntriesSize: number;
  readonly maxCommittedSizePerReady: number;
  readonly checkQuorum: boolean;
  readonly preVote: boolean;
  readonly readOnlyOption: ReadOnlyOption;
  readonly disableProposalForwarding: boolean;
  readonly random: () => number;
}

/** Fills defaults and rejects impossible settings with a RangeError naming the field. */
export function resolveOptions(config: RaftConfig): RaftOptions {
  const opts: RaftOptions = {
    id: config.id,
    electionTick: config.electionTick ?? 10,
    heartbeatTick: config.heartbeatTick ?? 1,
    storage: config.storage,
    applied: config.applied ?? 0,
    maxSizePerMsg: config.maxSizePerMsg ?? 1024 * 1024,
    maxInflightMsgs: config.maxInflightMsgs ?? 256,
    maxUncommittedEntriesSize: config.maxUncommittedEntriesSize ?? 0,
    maxCommittedSizePerReady: config.maxCommittedSizePerReady ?? 64 * 1024 * 1024,
    checkQuorum: config.checkQuorum ?? true,
    preVote: config.preVote ?? true,
    readOnlyOption: config.readOnlyOption ?? 'safe',
    disableProposalForwarding: config.disableProposalForwarding ?? false,
    random: config.random,
  };
  if (!Number.isSafeInteger(opts.id) || opts.id <= 0)
    throw new RangeError(`id must be a positive integer, got ${opts.id}`);
  if (!Number.isInteger(opts.heartbeatTick) || opts.heartbeatTick <= 0) {
    throw new RangeError(`heartbeatTick must be a positive integer, got ${opts.heartbeatTick}`);
  }
  if (!Number.isInteger(opts.electionTick) || opts.electionTick <= opts.heartbeatTick) {
    throw new RangeError(
      `electionTick must be an integer above heartbeatTick, got ${opts.electionTick}`,
    );
  }
  if (!Number.isInteger(opts.maxInflightMsgs) || opts.maxInflightMsgs <= 0) {
    throw new RangeError(`maxInflightMsgs must be a positive integer, got ${opts.maxInflightMsgs}`);
  }
  if (
    opts.maxSizePerMsg <= 0 ||
    opts.maxCommittedSizePerReady <= 0 ||
    opts.maxUncommittedEntriesSize < 0
  ) {
    throw new RangeError(
      'size limits must be positive (maxUncommittedEntriesSize may be 0 for unlimited)',
    );
  }
  if (opts.readOnlyOption === 'leaseBased' && !opts.checkQuorum) {
    throw new RangeError(
      "readOnlyOption 'leaseBased' requires checkQuorum: the lease is check-quorum's",
    );
  }
  return opts;
}
