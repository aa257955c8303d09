import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import * as z from 'zod';
import { BadInputError } from '../model/errors.js';
import { LAMBDA_MAX_MEMORY_MB, LAMBDA_MIN_MEMORY_MB } from '../runtime/lambda-config.js';
import { LAMBDA_MAX_TIMEOUT_SECONDS, LAMBDA_MIN_TIMEOUT_SECONDS } from '../runtime/lambda/lambda-limits.js';

/**
 * The functions the emulator serves (`wukong emulator --functions FILE`). JSON; paths are relative
 * to the file. `defaults` fill what a function leaves out (environments are merged, the function's
 * own entries win). In environment values, `{emulatorUrl}` becomes the emulator's own URL, so a
 * function can invoke functions here (AWS_ENDPOINT_URL_LAMBDA) whatever port it got.
 *
 *     { "defaults": { "bundle": "../dist-lambda/handler.mjs", "timeoutSeconds": 60,
 *                     "environment": { "AWS_ENDPOINT_URL_LAMBDA": "{emulatorUrl}" } },
 *       "functions": [ { "name": "wukong-executor-1769", "memoryMb": 1769 } ] }
 */
const FUNCTION_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** Lambda's environment variable names: a letter, then letters, digits and underscores. */
const ENV_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_]*$/;

const FunctionFieldsSchema = z
  .object({
    /** The bundled handler module (an ES module or CommonJS file). */
    bundle: z.string().min(1),
    /** The handler's export name; Lambda's `handler.handler` is bundle handler.mjs + export handler. */
    handler: z.string().regex(/^[A-Za-z_$][A-Za-z0-9_$]*$/, 'an export name such as handler'),
    memoryMb: z.number().int().min(LAMBDA_MIN_MEMORY_MB).max(LAMBDA_MAX_MEMORY_MB),
    timeoutSeconds: z.number().min(LAMBDA_MIN_TIMEOUT_SECONDS).max(LAMBDA_MAX_TIMEOUT_SECONDS),
    environment: z.record(z.string().regex(ENV_NAME_PATTERN, 'an environment variable name'), z.string()),
    /** Reserved concurrency: this function's own pool, taken out of the account's. */
    reservedConcurrency: z.number().int().min(0),
  })
  .strict();

const FunctionEntrySchema = FunctionFieldsSchema.partial().extend({
  name: z.string().regex(FUNCTION_NAME_PATTERN, 'a Lambda function name (letters, digits, - and _, at most 64)'),
});

export const FunctionsFileSchema = z
  .object({
    defaults: FunctionFieldsSchema.partial().optional(),
    functions: z.array(FunctionEntrySchema).min(1, 'at least one function'),
  })
  .strict();

/** A function as the emulator runs it: every field settled, the bundle path absolute. */
export interface FunctionDefinition {
  readonly name: string;
  readonly bundlePath: string;
  readonly handlerExport: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly environment: Readonly<Record<string, string>>;
  readonly reservedConcurrency?: number;
}

/** Lambda's defaults for what neither the function nor `defaults` says. */
const LAMBDA_DEFAULTS = { handler: 'handler', memoryMb: 128, timeoutSeconds: 3 } as const;

/** Settles a parsed functions file; `baseDir` resolves relative bundle paths. */
export function functionDefinitions(raw: unknown, baseDir: string, source = 'functions file'): FunctionDefinition[] {
  const parsed = FunctionsFileSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new BadInputError(`${source}: ${problems.join('; ')}`);
  }
  const defaults = parsed.data.defaults ?? {};
  const seen = new Set<string>();
  return parsed.data.functions.map((entry, index) => {
    if (seen.has(entry.name)) throw new BadInputError(`${source}: functions.${index}.name: "${entry.name}" is listed twice`);
    seen.add(entry.name);
    const bundle = entry.bundle ?? defaults.bundle;
    if (bundle === undefined) throw new BadInputError(`${source}: functions.${index} ("${entry.name}"): no bundle (give one, or a default)`);
    const reservedConcurrency = entry.reservedConcurrency ?? defaults.reservedConcurrency;
    return Object.freeze({
      name: entry.name,
      bundlePath: resolve(baseDir, bundle),
      handlerExport: entry.handler ?? defaults.handler ?? LAMBDA_DEFAULTS.handler,
      memoryMb: entry.memoryMb ?? defaults.memoryMb ?? LAMBDA_DEFAULTS.memoryMb,
      timeoutSeconds: entry.timeoutSeconds ?? defaults.timeoutSeconds ?? LAMBDA_DEFAULTS.timeoutSeconds,
      environment: Object.freeze({ ...defaults.environment, ...entry.environment }),
      ...(reservedConcurrency !== undefined ? { reservedConcurrency } : {}),
    });
  });
}

/** Reads and settles a functions file. */
export async function loadFunctionsFile(path: string): Promise<FunctionDefinition[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new BadInputError(code === 'ENOENT' ? `no functions file at ${path}` : `cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new BadInputError(`${path} is not JSON: ${(error as Error).message}`, { cause: error });
  }
  return functionDefinitions(raw, dirname(resolve(path)), path);
}
