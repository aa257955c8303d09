import type { RunProgress } from '../runtime/run-client.js';

/**
 * A one-line progress display on a TTY (stderr), redrawn at most every 100 ms; silent elsewhere
 * so pipes and CI logs stay clean.
 */
export class ProgressLine {
  private lastDrawAt = 0;
  private drawn = false;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

  get enabled(): boolean {
    return this.stream.isTTY === true;
  }

  update(progress: RunProgress): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.lastDrawAt < 100) return;
    this.lastDrawAt = now;
    const width = 24;
    const fraction = progress.tasksTotal === 0 ? 1 : progress.tasksDone / progress.tasksTotal;
    const filled = Math.round(fraction * width);
    const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
    const line = `[${bar}] tasks ${progress.tasksDone}/${progress.tasksTotal}  executors live ${progress.executorsLive}  ${(progress.elapsedMs / 1000).toFixed(1)}s`;
    this.stream.write(`\r${line}\x1b[K`);
    this.drawn = true;
  }

  clear(): void {
    if (this.drawn) this.stream.write('\r\x1b[K');
    this.drawn = false;
  }
}
