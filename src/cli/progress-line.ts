import { SingleBar } from 'cli-progress';
import type { RunProgress } from '../runtime/run-client.js';

/** Redraws per second at most: a terminal cannot show more, and each redraw costs the run. */
const FPS = 10;

/**
 * A run's progress bar on a TTY (stderr): tasks done of all, executors live, time so far; drawn
 * by cli-progress, which stays silent when the stream is not a terminal, so pipes, CI logs and
 * `--json` output stay clean. The bar is removed when the run ends.
 */
export class ProgressLine {
  private readonly bar: SingleBar;
  private started = false;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {
    this.bar = new SingleBar({
      stream,
      format: '[{bar}] tasks {value}/{total}  executors live {live}  {seconds}s',
      barsize: 24,
      barCompleteChar: '#',
      barIncompleteChar: '.',
      fps: FPS,
      clearOnComplete: true,
      hideCursor: false,
    });
  }

  get enabled(): boolean {
    return this.stream.isTTY === true;
  }

  update(progress: RunProgress): void {
    if (!this.enabled) return;
    const payload = { live: progress.executorsLive, seconds: (progress.elapsedMs / 1000).toFixed(1) };
    if (!this.started) {
      this.bar.start(progress.tasksTotal, progress.tasksDone, payload);
      this.started = true;
      return;
    }
    this.bar.setTotal(progress.tasksTotal);
    this.bar.update(progress.tasksDone, payload);
  }

  clear(): void {
    if (this.started) this.bar.stop();
    this.started = false;
  }
}
