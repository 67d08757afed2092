// Seeds 0..999 of the 5-node simulation (split across files so the runner uses both cores).
import { testSeedRange } from './seed-range.ts';

testSeedRange(5, 0, 1000);
