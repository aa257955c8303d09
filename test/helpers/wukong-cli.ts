import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** The built CLI (`npm run build` first; `npm test` does it in pretest). */
export const WUKONG_BIN = join(process.cwd(), 'bin/wukong.js');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  readonly cwd?: string | undefined;
  /** Added to this process's environment (WUKONG_DEBUG is cleared: messages as a user sees them). */
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
}

/** Runs `wukong ...args` as a user would: a child process, real files, exit code and both streams. */
export function runWukong(args: readonly string[], options: CliOptions = {}): CliResult {
  const result = spawnSync(process.execPath, [WUKONG_BIN, ...args], {
    cwd: options.cwd ?? process.cwd(),
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60_000,
    env: { ...process.env, WUKONG_DEBUG: '', ...options.env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
