import { SingleBar } from 'cli-progress';
import type { RunProgress } from '../runtime/run-client.js';

/**
 * The long run's progress on a TTY (stderr): a bar over its steps (one variant on one workload
 * case), the step's label, for embedded runs the tasks done, and the time so far; drawn by
 * cli-progress, silent when stderr is not a terminal, so pipes, CI logs and `--json` output stay clean.
 */
export class BenchProgress {
  private step = 0;
  private label = '';
  private readonly bar: SingleBar;
  private started = false;

  constructor(
    private readonly totalSteps: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.bar = new SingleBar({
      stream,
      format: 'bench [{bar}] {value}/{total} {label}{detail}  {duration}s',
      barsize: 20,
      fps: 10,
      clearOnComplete: true,
      hideCursor: false,
    });
  }

  get enabled(): boolean {
    return this.stream.isTTY === true;
  }

  /** A new step begins (one variant on one workload case). */
  begin(label: string): void {
    this.step += 1;
    this.label = label;
    if (!this.enabled) return;
    if (!this.started) {
      this.bar.start(this.totalSteps, this.step, { label, detail: '' });
      this.started = true;
    } else {
      this.bar.update(this.step, { label, detail: '' });
    }
  }

  /** Within an embedded step: the run's own progress. */
  run(progress: RunProgress): void {
    if (this.started) this.bar.update(this.step, { label: this.label, detail: `  tasks ${progress.tasksDone}/${progress.tasksTotal}` });
  }

  clear(): void {
    if (this.started) this.bar.stop();
    this.started = false;
  }
}
