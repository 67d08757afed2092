import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Task, TaskStatus } from '../../api/objects/task.ts';
import { writeFileAtomic } from '../../base/atomic-file.ts';
import type { Logger } from '../../base/logger.ts';

/** One task as the worker keeps it across restarts. */
export interface SavedTask {
  readonly task: Task;
  readonly status: TaskStatus;
}

/** The file, inside the worker's state dir, holding its tasks. */
export const WORKER_STATE_FILE = 'tasks.json';

interface StateFile {
  readonly version: 1;
  readonly tasks: readonly SavedTask[];
}

/**
 * The worker's task list on disk (swarmkit's `worker/tasks.db`): `<dir>/tasks.json`, written
 * atomically. {@link save} coalesces: one write at a time, and the latest list wins. A
 * missing file is an empty list; an unreadable one is logged and treated as empty (the
 * executor's own list and the managers' assignments still find every task).
 */
export class WorkerState {
  private latest: readonly SavedTask[] | undefined;
  private writing: Promise<void> | undefined;

  constructor(
    private readonly dir: string,
    private readonly logger: Logger,
  ) {}

  /** The saved tasks, or none. */
  async load(): Promise<SavedTask[]> {
    let text: string;
    try {
      text = await readFile(join(this.dir, WORKER_STATE_FILE), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    try {
      const parsed = JSON.parse(text) as { version?: unknown; tasks?: unknown } | null;
      if (parsed?.version !== 1 || !Array.isArray(parsed.tasks)) throw new Error('not a task list');
      const entries = parsed.tasks as (Partial<SavedTask> | null)[];
      return entries.filter(
        (t): t is SavedTask =>
          typeof t?.task?.id === 'string' && typeof t.status?.State === 'string',
      );
    } catch (error) {
      this.logger.warn('worker task list unreadable; starting empty', { error: String(error) });
      return [];
    }
  }

  /** Saves `tasks` soon (after the write under way, if any). */
  save(tasks: readonly SavedTask[]): void {
    this.latest = tasks;
    this.writing ??= this.drain().finally(() => {
      this.writing = undefined;
    });
  }

  /** Resolves once every save so far is on disk. */
  async flushed(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async drain(): Promise<void> {
    while (this.latest !== undefined) {
      const tasks = this.latest;
      this.latest = undefined;
      const file: StateFile = { version: 1, tasks };
      try {
        await mkdir(this.dir, { recursive: true, mode: 0o700 });
        await writeFileAtomic(join(this.dir, WORKER_STATE_FILE), JSON.stringify(file));
      } catch (error) {
        this.logger.warn('saving the worker task list failed', { error: String(error) });
      }
    }
  }
}
