import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BenchProgress } from '../../../src/cli/bench-progress.js';
import { ProgressLine } from '../../../src/cli/progress-line.js';

/** A stream that says it is a terminal (or not) and keeps what is written to it. */
function terminal(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  const stream = new PassThrough() as unknown as NodeJS.WriteStream & PassThrough;
  Object.assign(stream, { isTTY, columns: 120 });
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

const progress = (tasksDone: number) => ({ tasksDone, tasksTotal: 40, executorsLive: 3, elapsedMs: 1500 });

describe('progress bars (cli-progress)', () => {
  it('draws tasks done of all and executors live on a terminal, and removes the bar at the end', async () => {
    const { stream, text } = terminal(true);
    const line = new ProgressLine(stream);
    line.update(progress(10));
    line.clear();
    await new Promise((resolve) => setImmediate(resolve));
    expect(text()).toContain('tasks 10/40  executors live 3  1.5s');
    expect(text()).toContain('#'.repeat(6));
  });

  it('writes nothing when the stream is not a terminal (pipes, CI, --json)', async () => {
    const { stream, text } = terminal(false);
    const line = new ProgressLine(stream);
    line.update(progress(10));
    line.clear();
    const bench = new BenchProgress(4, stream);
    bench.begin('sim gemm all');
    bench.clear();
    await new Promise((resolve) => setImmediate(resolve));
    expect(text()).toBe('');
  });

  it('shows the bench step of all with its label and the run inside it', async () => {
    const { stream, text } = terminal(true);
    const bench = new BenchProgress(4, stream);
    bench.begin('sim gemm all');
    bench.begin('embedded tr none');
    bench.run(progress(5));
    bench.clear();
    await new Promise((resolve) => setImmediate(resolve));
    expect(text()).toContain('1/4 sim gemm all');
    expect(text()).toContain('2/4 embedded tr none  tasks 5/40');
  });
});
