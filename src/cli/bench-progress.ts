import type { RunProgress } from '../runtime/run-client.js';

/**
 * The long run's progress on a TTY (stderr): which step of how many, the mode, workload and
 * variant, and for embedded runs the tasks done; redrawn in place at most every 100 ms. Silent
 * when stderr is not a terminal, so pipes, CI logs and `--json` output stay clean.
 */
export class BenchProgress {
  private step = 0;
  private label = '';
  private lastDrawAt = 0;
  private drawn = false;
  private readonly startedAt = Date.now();

  constructor(
    private readonly totalSteps: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  get enabled(): boolean {
    return this.stream.isTTY === true;
  }

  /** A new step begins (one variant on one workload case). */
  begin(label: string): void {
    this.step += 1;
    this.label = label;
    this.draw('', true);
  }

  /** Within an embedded step: the run's own progress. */
  run(progress: RunProgress): void {
    this.draw(`  tasks ${progress.tasksDone}/${progress.tasksTotal}`, false);
  }

  clear(): void {
    if (this.drawn) this.stream.write('\r\x1b[K');
    this.drawn = false;
  }

  private draw(detail: string, force: boolean): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (!force && now - this.lastDrawAt < 100) return;
    this.lastDrawAt = now;
    const elapsed = ((now - this.startedAt) / 1000).toFixed(0);
    this.stream.write(`\rbench [${this.step}/${this.totalSteps}] ${this.label}${detail}  ${elapsed}s\x1b[K`);
    this.drawn = true;
  }
}
