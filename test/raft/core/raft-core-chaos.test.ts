import { describe, test } from 'node:test';
import { runChaos } from './support/chaos.ts';

// A short, fixed set of seeds; test/raft/sim runs the long randomised campaigns.
const SEEDS = Array.from({ length: 12 }, (_, i) => 1000 + i);

describe('RaftCore under faults', () => {
  for (const seed of SEEDS) {
    test(`seed ${seed}: one leader per term, identical applied entries, progress after healing`, () => {
      runChaos({ seed, steps: 800 });
    });
  }
});
