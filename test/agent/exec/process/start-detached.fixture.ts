// Run as a separate process by restart-adoption.test.ts: prepares and starts one task with a
// ProcessExecutor on the given state dir, then dies by SIGKILL, as a crashing daemon would.
import { readFileSync } from 'node:fs';
import { ProcessExecutor } from '../../../../src/agent/exec/process/process-executor.ts';
import type { Task } from '../../../../src/api/objects/task.ts';
import { SystemClock } from '../../../../src/base/clock.ts';
import { silentLogger } from '../../../../src/base/logger.ts';

const [stateDir = '', taskFile = ''] = process.argv.slice(2);
const task = JSON.parse(readFileSync(taskFile, 'utf8')) as Task;
const executor = new ProcessExecutor({ stateDir, clock: new SystemClock(), logger: silentLogger });
await executor.prepare(task);
await executor.start(task.id);
process.stdout.write('started\n');
process.kill(process.pid, 'SIGKILL');
