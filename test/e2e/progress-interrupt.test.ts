import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Ctrl-C while a run's progress bar is drawn: the bar is cleared, the terminal's line wrap (which
 * cli-progress turns off while drawing) is turned back on, the user is told, and the exit is a
 * signal's (130). Before, Node's default exit left the terminal without line wrap and said nothing.
 * The bar draws on a stand-in terminal stream in a child process, which then interrupts itself.
 */
const PROGRESS_LINE = join(process.cwd(), 'dist/src/cli/progress-line.js');

const CHILD = `
import { Writable } from 'node:stream';
const { ProgressLine } = await import(${JSON.stringify(PROGRESS_LINE)});
const terminal = new Writable({ write(chunk, _encoding, done) { process.stdout.write(chunk); done(); } });
terminal.isTTY = true;
terminal.columns = 120;
terminal.cursorTo = () => true;
terminal.clearLine = () => true;
terminal.moveCursor = () => true;
const line = new ProgressLine(terminal);
line.update({ tasksDone: 3, tasksTotal: 20, executorsLive: 2, elapsedMs: 1500 });
setTimeout(() => process.kill(process.pid, 'SIGINT'), 100);
setTimeout(() => process.exit(0), 5000);
`;

describe('progress line and Ctrl-C', () => {
  it('restores line wrap, says the run was abandoned, exits 130', () => {
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', CHILD], { encoding: 'utf8', timeout: 30_000 });
    expect(child.status).toBe(130);
    expect(child.stdout).toContain('tasks 3/20');
    // Wrap off while drawing, on again after; then the message.
    expect(child.stdout.lastIndexOf('\x1b[?7h')).toBeGreaterThan(child.stdout.lastIndexOf('\x1b[?7l'));
    expect(child.stdout).toMatch(/wukong: interrupted: the run was abandoned/);
  });
});
