import { MIN_NODE_CERT_EXPIRY } from '../defaults.ts';
import type { SwarmSpec } from '../objects/cluster.ts';
import { parseCidr } from './cidr.ts';
import { checkLabels } from './labels.ts';
import type { Problem } from './spec-error.ts';
import { checkCount, firstProblem, specError } from './spec-error.ts';

function checkName(name: string | undefined): Problem {
  if (name === undefined || name === '' || name === 'default') return undefined;
  return specError('Name', 'swarm spec must be named "default"');
}

function checkCertExpiry(expiry: unknown): Problem {
  const field = 'CAConfig.NodeCertExpiry';
  if (expiry === undefined || expiry === 0) return undefined;
  if (typeof expiry !== 'number' || !Number.isSafeInteger(expiry)) {
    return specError(field, `${field} must be a whole number of nanoseconds`);
  }
  if (expiry < MIN_NODE_CERT_EXPIRY) {
    return specError(field, 'minimum certificate expiry time is: 1h0m0s');
  }
  return undefined;
}

function checkHeartbeatPeriod(period: unknown): Problem {
  const field = 'Dispatcher.HeartbeatPeriod';
  if (period === undefined) return undefined;
  if (typeof period !== 'number' || !Number.isSafeInteger(period)) {
    return specError(field, `${field} must be a whole number of nanoseconds`);
  }
  if (period < 0) return specError(field, 'heartbeat time period cannot be a negative duration');
  return undefined;
}

function checkExternalCAs(spec: SwarmSpec): Problem {
  for (const [i, ca] of (spec.CAConfig?.ExternalCAs ?? []).entries()) {
    const protocol: unknown = ca.Protocol;
    if (typeof protocol !== 'string' || protocol.toLowerCase() !== 'cfssl') {
      return specError(
        `CAConfig.ExternalCAs[${i}].Protocol`,
        `invalid protocol: ${JSON.stringify(protocol)}`,
      );
    }
  }
  return undefined;
}

function checkTicks(spec: SwarmSpec): Problem {
  const election = spec.Raft?.ElectionTick ?? 0;
  const heartbeat = spec.Raft?.HeartbeatTick ?? 0;
  // Zero means "default" (10 and 1), so only compare ticks the user actually set.
  if (election === 0 || heartbeat === 0 || election > heartbeat) return undefined;
  return specError(
    'Raft.ElectionTick',
    `ElectionTick (${election}) must be greater than HeartbeatTick (${heartbeat})`,
  );
}

function checkHistoryLimit(limit: unknown): Problem {
  const field = 'Orchestration.TaskHistoryRetentionLimit';
  if (limit === undefined || (typeof limit === 'number' && Number.isSafeInteger(limit))) {
    return undefined;
  }
  return specError(field, `${field} must be a whole number (negative keeps every task)`);
}

/**
 * Checks a swarm spec of `POST /swarm/init` or `/swarm/update`, with Docker's messages: the
 * name must be "default" (or empty), certificates must last at least an hour, the
 * heartbeat period must not be negative, external CAs must speak cfssl. Also: counts are
 * whole numbers, and the election tick exceeds the heartbeat tick. Zero values are fine:
 * they mean "default" (see normalizeSwarmSpec).
 */
export function validateSwarmSpec(spec: SwarmSpec): Problem {
  const raft = spec.Raft ?? {};
  return firstProblem([
    () => checkName(spec.Name),
    () => checkLabels('Labels', spec.Labels),
    () => checkHistoryLimit(spec.Orchestration?.TaskHistoryRetentionLimit),
    () => checkCount('Raft.SnapshotInterval', raft.SnapshotInterval),
    () => checkCount('Raft.KeepOldSnapshots', raft.KeepOldSnapshots),
    () => checkCount('Raft.LogEntriesForSlowFollowers', raft.LogEntriesForSlowFollowers),
    () => checkCount('Raft.ElectionTick', raft.ElectionTick),
    () => checkCount('Raft.HeartbeatTick', raft.HeartbeatTick),
    () => checkTicks(spec),
    () => checkHeartbeatPeriod(spec.Dispatcher?.HeartbeatPeriod),
    () => checkCertExpiry(spec.CAConfig?.NodeCertExpiry),
    () => checkExternalCAs(spec),
  ]);
}

/**
 * Checks the VXLAN port of `swarm init`: 0 (meaning 4789) or 1024–49151, in Docker's words.
 */
export function validateDataPathPort(port: unknown): Problem {
  if (port === undefined || port === 0) return undefined;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1024 || port > 49151) {
    return specError(
      'DataPathPort',
      `Datapath port number is not in valid range (1024-49151) : ${JSON.stringify(port)}`,
    );
  }
  return undefined;
}

/**
 * Checks the default address pool of `swarm init`: each entry a CIDR no longer than the
 * subnet size, which is at most 29 (0 means 24). Docker's messages.
 */
export function validateDefaultAddrPool(
  pool: readonly string[] | undefined,
  subnetSize = 0,
): Problem {
  if (pool === undefined) return undefined;
  const size = subnetSize === 0 ? 24 : subnetSize;
  if (!Number.isInteger(size) || size < 0 || size > 29) {
    return specError('SubnetSize', `subnet size is out of range: ${size}`);
  }
  for (const [i, entry] of pool.entries()) {
    const cidr = parseCidr(entry);
    if (cidr === undefined) {
      return specError(`DefaultAddrPool[${i}]`, `invalid CIDR address: ${entry}`);
    }
    if (size < cidr.bits) {
      return specError(
        `DefaultAddrPool[${i}]`,
        `invalid CIDR: ${JSON.stringify(entry)}. Subnet size is too small for pool: ${size}`,
      );
    }
  }
  return undefined;
}
