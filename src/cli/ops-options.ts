import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import * as z from 'zod';
import { BadInputError } from '../model/errors.js';
import { loadOpRegistry } from '../ops/load-op-modules.js';
import { findProjectConfig } from './project-root.js';
import type { OpRegistry } from '../ops/registry.js';

/** The project config file looked for (working directory, else project root) when `--config` is not given. */
export const PROJECT_CONFIG_FILE = 'wukong.config.json';

/** `wukong.config.json`: op modules (paths relative to the file), loaded by every command. */
export const ProjectConfigSchema = z
  .object({
    $schema: z.string().optional(),
    ops: z.array(z.string().min(1)).optional(),
  })
  .strict();

/** The op flags every command that reads a DAG shares. */
export interface OpsFlags {
  ops?: string[];
  config?: string;
}

/** Adds `--ops <path>` (repeatable) and `--config <file>` to a command: one option group. */
export function withOpsOptions<C extends { option(flags: string, description: string, parse: (value: string, previous: string[] | undefined) => string[]): C; option(flags: string, description: string): C }>(command: C): C {
  return command
    .option('--ops <path>', 'a user op module (.js, .mjs, .ts with esbuild) whose default export is defineOp(...) or a list; repeatable', (value: string, previous: string[] | undefined) => [...(previous ?? []), value])
    .option('--config <file>', `project config with "ops": [paths] (default: ${PROJECT_CONFIG_FILE} in the working directory, else at the project root, when present)`);
}

/**
 * The op modules the flags and the project config name, as absolute paths: the config's `ops`
 * (relative to the config file) first, then each `--ops` (relative to `cwd`). Without --config the
 * config is found as the project state is (./project-root.ts findProjectConfig).
 */
export async function opModulePaths(flags: OpsFlags, cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const configPath = flags.config === undefined ? findProjectConfig(cwd, env) : resolve(cwd, flags.config);
  let text: string | undefined;
  try {
    if (configPath !== undefined) text = await readFile(configPath, 'utf8');
  } catch (error) {
    if (flags.config !== undefined) throw new BadInputError(`--config ${flags.config}: cannot read it (${(error as Error).message})`);
  }
  const fromConfig: string[] = [];
  if (configPath !== undefined && text !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new BadInputError(`${configPath}: not JSON: ${(error as Error).message}`);
    }
    const parsed = ProjectConfigSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new BadInputError(`${configPath}: ${issue?.path.map(String).join('.') || '(root)'}: ${issue?.message}`);
    }
    for (const path of parsed.data.ops ?? []) fromConfig.push(isAbsolute(path) ? path : resolve(dirname(configPath), path));
  }
  return [...fromConfig, ...(flags.ops ?? []).map((path) => (isAbsolute(path) ? path : resolve(cwd, path)))];
}

/** The op registry for a command: built-ins plus the user modules its flags and config name. */
export async function opsFromFlags(flags: OpsFlags, cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): Promise<{ registry: OpRegistry; modulePaths: string[] }> {
  return loadOpRegistry(await opModulePaths(flags, cwd, env), { cwd });
}
