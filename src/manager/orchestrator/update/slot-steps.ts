import type { SlotJob, SlotStep, SlotWrites } from './slot-job.ts';

/**
 * The slot jobs stepped in one round, sorted into those that go on and those that are done,
 * with their writes and wake-up times, and whether any of them moved.
 */
export class SlotSteps {
  readonly ongoing: SlotJob[] = [];
  readonly done: string[] = [];
  readonly writes: SlotWrites[] = [];
  readonly wakes: number[] = [];
  moved = false;

  /** Adds the step of `before` (undefined for a job just begun). */
  add(before: SlotJob | undefined, step: SlotStep): void {
    const { job, writes, wakeAt } = step;
    this.writes.push(writes);
    if (wakeAt !== undefined) this.wakes.push(wakeAt);
    if (job.stage === 'done') this.done.push(job.slot);
    else this.ongoing.push(job);
    if (job.stage !== before?.stage || writes.run.length + writes.shutdown.length > 0) {
      this.moved = true;
    }
  }
}
