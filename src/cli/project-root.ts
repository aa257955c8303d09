import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Where `.wukong/` state lives, and why there. */
export interface ProjectRoot {
  readonly dir: string;
  readonly reason: 'WUKONG_HOME' | 'wukong.config.json' | '.wukong/' | 'working directory';
}

/**
 * The project root whose `.wukong/` holds the state (metadata history, Lambda config): env
 * WUKONG_HOME, else the nearest directory from `cwd` up holding `wukong.config.json` or `.wukong/`,
 * else `cwd`. So `plan` run from a subdirectory finds the history recorded at the root.
 */
export function findProjectRoot(cwd: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): ProjectRoot {
  if (env.WUKONG_HOME !== undefined && env.WUKONG_HOME !== '') return { dir: resolve(cwd, env.WUKONG_HOME), reason: 'WUKONG_HOME' };
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'wukong.config.json'))) return { dir, reason: 'wukong.config.json' };
    if (existsSync(join(dir, '.wukong'))) return { dir, reason: '.wukong/' };
    if (dirname(dir) === dir) return { dir: resolve(cwd), reason: 'working directory' };
  }
}

/**
 * The project config (`wukong.config.json`) whose `ops` every command loads: the working
 * directory's, else the project root's (findProjectRoot), so a command run from a subdirectory
 * loads the ops of the project whose state it uses (it used to find the root's `.wukong` but look
 * for the config only in the working directory, and fail with "unknown op"). Undefined: none.
 */
export function findProjectConfig(cwd: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): string | undefined {
  const here = join(resolve(cwd), 'wukong.config.json');
  if (existsSync(here)) return here;
  const atRoot = join(findProjectRoot(cwd, env).dir, 'wukong.config.json');
  return existsSync(atRoot) ? atRoot : undefined;
}

let announced = false;

/**
 * The project root's directory. The first use in a process says on stderr which root it is when
 * that is not the working directory (stdout stays clean for --json).
 */
export function projectRootDir(cwd: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): string {
  const root = findProjectRoot(cwd, env);
  if (!announced && root.dir !== resolve(cwd)) {
    announced = true;
    process.stderr.write(`wukong: project state in ${join(root.dir, '.wukong')} (${root.reason === 'WUKONG_HOME' ? 'env WUKONG_HOME' : `nearest directory with ${root.reason}`})\n`);
  }
  return root.dir;
}

/** `relative` (e.g. `.wukong/metadata`) under the project root (announced as `projectRootDir` does). */
export function projectStatePath(relative: string, cwd: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): string {
  return join(projectRootDir(cwd, env), relative);
}
