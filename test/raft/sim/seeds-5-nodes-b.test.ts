// Seeds 1000..1999 of the 5-node simulation (split across files so the runner uses both cores).
import { testSeedRange } from './seed-range.ts';

testSeedRange(5, 1000, 1000);
