// Seeds 1000..1999 of the 3-node simulation (split across files so the runner uses both cores).
import { testSeedRange } from './seed-range.ts';

testSeedRange(3, 1000, 1000);
