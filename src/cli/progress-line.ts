import { SingleBar } from 'cli-progress';
import type { RunProgress } from '../runtime/run-client.js';
import { LIVE_STALE_MS } from '../runtime/run-liveness.js';

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
  /**
   * Ctrl-C while the bar is drawn: cli-progress turns the terminal's line wrap off while it draws,
   * and Node's default exit left it off, the bar on the line and no word of what happened (an
   * audit). The handler clears the bar, says so, and exits as a signal would (130).
   */
  private readonly onInterrupt = (): void => {
    this.clear();
    this.stream.write(`wukong: interrupted: the run was abandoned (with --backend lambda, executors already invoked run on until their tasks end; what they leave expires, or \`wukong gc\` removes it once the run has been silent ${LIVE_STALE_MS / 1000} s)\n`);
    process.exit(130);
  };

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
      process.once('SIGINT', this.onInterrupt);
      return;
    }
    this.bar.setTotal(progress.tasksTotal);
    this.bar.update(progress.tasksDone, payload);
  }

  clear(): void {
    if (this.started) this.bar.stop();
    this.started = false;
    process.removeListener('SIGINT', this.onInterrupt);
  }
}
