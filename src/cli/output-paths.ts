import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { BadInputError } from '../model/errors.js';

/**
 * Every output path a command takes (`--report`, `--html`, `--output-dir`, `-o/--output`, `--md`,
 * `--save-dag`) is checked writable before the command runs anything, so a typo in a path is
 * exit 2 with nothing run, not an ENOENT after a long job.
 */
const FILE_OPTIONS = ['report', 'html', 'output', 'md', 'saveDag'] as const;
/** Options that name a directory the command creates (with its parents) and fills. */
const DIRECTORY_OPTIONS: Readonly<Record<string, readonly string[]>> = { submit: ['outputDir'], bundle: ['outputDir'] };
/** File options whose command creates missing parent directories itself. */
const MKDIR_FILE_OPTIONS: Readonly<Record<string, readonly string[]>> = { 'from-stack': ['output'] };

export function checkOutputPaths(command: Command): void {
  const options = command.opts<Record<string, unknown>>();
  const name = command.name();
  const problems: string[] = [];
  const flag = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  for (const key of [...FILE_OPTIONS, 'outputDir']) {
    const value = options[key];
    if (typeof value !== 'string' || value === '' || value === '-') continue;
    const problem = DIRECTORY_OPTIONS[name]?.includes(key)
      ? directoryProblem(value)
      : fileProblem(value, MKDIR_FILE_OPTIONS[name]?.includes(key) ?? false);
    if (problem) problems.push(`${flag(key)} ${value}: ${problem}`);
  }
  if (problems.length > 0) throw new BadInputError(`${problems.join('; ')} (nothing was run)`);
}

/**
 * The same check for an output file given as an argument (`wukong metadata export FILE`): `what`
 * names it in the message as a flag would. `-` (standard output) passes.
 */
export function checkOutputFileArgument(what: string, path: string): void {
  if (path === '-') return;
  const problem = fileProblem(path, false);
  if (problem) throw new BadInputError(`${what} ${path}: ${problem} (nothing was run)`);
}

function kind(path: string): 'file' | 'directory' | 'other' | undefined {
  try {
    const stats = statSync(path);
    return stats.isDirectory() ? 'directory' : stats.isFile() ? 'file' : 'other';
  } catch {
    return undefined;
  }
}

const writable = (path: string): boolean => {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
};

/** The nearest existing ancestor must be a writable directory (parents are created). */
function ancestorProblem(path: string): string | undefined {
  let dir = dirname(resolve(path));
  while (kind(dir) === undefined && dirname(dir) !== dir) dir = dirname(dir);
  if (kind(dir) !== 'directory') return `${dir} is not a directory`;
  return writable(dir) ? undefined : `cannot write in ${dir}`;
}

function fileProblem(path: string, createsParents: boolean): string | undefined {
  const existing = kind(path);
  if (existing === 'directory') return 'is a directory (give a file name)';
  if (existing === 'file') return writable(path) ? undefined : 'is not writable';
  if (existing === 'other') return undefined; // a device or pipe such as /dev/null
  if (createsParents) return ancestorProblem(path);
  const parent = dirname(resolve(path));
  if (kind(parent) !== 'directory') return `no such directory: ${parent}`;
  return writable(parent) ? undefined : `cannot write in ${parent}`;
}

function directoryProblem(path: string): string | undefined {
  const existing = kind(path);
  if (existing === 'directory') return writable(path) ? undefined : 'is not writable';
  if (existing !== undefined) return 'exists and is not a directory';
  return ancestorProblem(path);
}
