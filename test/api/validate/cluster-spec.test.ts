import { describe } from 'node:test';
import { HOUR, SECOND, defaultSwarmSpec } from '../../../src/api/defaults.ts';
import type { SwarmSpec } from '../../../src/api/objects/cluster.ts';
import {
  validateDataPathPort,
  validateDefaultAddrPool,
  validateSwarmSpec,
} from '../../../src/api/validate/cluster-spec.ts';
import { problemTable } from '../support/problems.ts';

const base = defaultSwarmSpec();
const with_ = (overrides: Partial<SwarmSpec>): SwarmSpec => ({ ...base, ...overrides });

describe('validateSwarmSpec', () => {
  problemTable(validateSwarmSpec, [
    { name: 'the default spec', input: base },
    { name: 'an empty spec (all defaults)', input: {} },
    { name: 'no name', input: with_({ Name: '' }) },
    {
      name: 'negative history limit keeps all',
      input: with_({ Orchestration: { TaskHistoryRetentionLimit: -1 } }),
    },
    { name: 'zero expiry means default', input: with_({ CAConfig: { NodeCertExpiry: 0 } }) },
    { name: 'exactly one hour', input: with_({ CAConfig: { NodeCertExpiry: HOUR } }) },
    {
      name: 'another name',
      input: with_({ Name: 'prod' }),
      field: 'Name',
      message: 'swarm spec must be named "default"',
    },
    {
      name: 'expiry under an hour',
      input: with_({ CAConfig: { NodeCertExpiry: HOUR - SECOND } }),
      field: 'CAConfig.NodeCertExpiry',
      message: 'minimum certificate expiry time is: 1h0m0s',
    },
    {
      name: 'negative heartbeat',
      input: with_({ Dispatcher: { HeartbeatPeriod: -1 } }),
      field: 'Dispatcher.HeartbeatPeriod',
      message: 'heartbeat time period cannot be a negative duration',
    },
    {
      name: 'external CA with another protocol',
      input: with_({
        CAConfig: { ExternalCAs: [{ Protocol: 'acme' as 'cfssl', URL: 'https://ca' }] },
      }),
      field: 'CAConfig.ExternalCAs[0].Protocol',
      message: 'invalid protocol: "acme"',
    },
    {
      name: 'election tick not above heartbeat tick',
      input: with_({ Raft: { ElectionTick: 2, HeartbeatTick: 2 } }),
      field: 'Raft.ElectionTick',
      message: 'ElectionTick (2) must be greater than HeartbeatTick (2)',
    },
    {
      name: 'negative snapshot interval',
      input: with_({ Raft: { SnapshotInterval: -5 } }),
      field: 'Raft.SnapshotInterval',
    },
    {
      name: 'fractional history limit',
      input: with_({ Orchestration: { TaskHistoryRetentionLimit: 1.5 } }),
      field: 'Orchestration.TaskHistoryRetentionLimit',
    },
  ]);
});

describe('validateDataPathPort', () => {
  problemTable(validateDataPathPort, [
    { name: 'unset', input: undefined },
    { name: 'zero means 4789', input: 0 },
    { name: 'lowest', input: 1024 },
    { name: 'highest', input: 49151 },
    {
      name: 'too low',
      input: 1023,
      field: 'DataPathPort',
      message: 'Datapath port number is not in valid range (1024-49151) : 1023',
    },
    { name: 'too high', input: 49152, field: 'DataPathPort' },
  ]);
});

describe('validateDefaultAddrPool', () => {
  problemTable(
    ([pool, size]: [string[] | undefined, number]) => validateDefaultAddrPool(pool, size),
    [
      { name: 'unset', input: [undefined, 0] },
      { name: 'default size /24 in a /8', input: [['10.0.0.0/8'], 0] },
      { name: '/29 is the smallest', input: [['10.0.0.0/16'], 29] },
      { name: 'size equal to the pool', input: [['10.1.0.0/24'], 24] },
      {
        name: 'size over 29',
        input: [['10.0.0.0/8'], 30],
        field: 'SubnetSize',
        message: 'subnet size is out of range: 30',
      },
      {
        name: 'subnets bigger than the pool',
        input: [['10.0.0.0/16'], 8],
        field: 'DefaultAddrPool[0]',
        message: 'invalid CIDR: "10.0.0.0/16". Subnet size is too small for pool: 8',
      },
      { name: 'not a CIDR', input: [['10.0.0.0'], 24], field: 'DefaultAddrPool[0]' },
    ],
  );
});
