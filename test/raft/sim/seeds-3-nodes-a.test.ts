// Seeds 0..999 of the 3-node simulation (split across files so the runner uses both cores).
import { testSeedRange } from './seed-range.ts';

testSeedRange(3, 0, 1000);
