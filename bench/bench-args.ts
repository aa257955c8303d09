/**
 * The benches' command line (a helper module, not a bench): node:util parseArgs with `--help`, and
 * a usage error (`<script>: <problem>` and a hint on stderr, exit 2, no stack trace) for an unknown
 * or malformed flag or a numeric option that is not a number in range.
 *
 *   const { values } = parseBenchArgs('what the bench measures', { options: { runs: { type: 'string', default: '5' } } });
 *   const runs = positiveInt(values.runs, '--runs');
 */
import { basename } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** The running script as its user typed it, e.g. `overhead.js`. */
function scriptName(): string {
  return basename(process.argv[1] ?? 'bench');
}

/** Prints `<script>: <problem>` and the usage hint on stderr, and exits 2. */
export function usageError(problem: string): never {
  process.stderr.write(`${scriptName()}: ${problem}\nrun 'node dist/bench/${scriptName()} --help' for its options\n`);
  process.exit(2);
}

function usageText(about: string, config: ParseArgsConfig, notes: Readonly<Record<string, string>>, positionals: string | undefined): string {
  const options = Object.entries(config.options ?? {});
  const rows = options.map(([name, option]) => {
    const flag = `${option.short ? `-${option.short}, ` : ''}--${name}${option.type === 'string' ? ' <value>' : ''}`;
    const hasDefault = option.default !== undefined && option.default !== false && option.default !== '';
    const note = notes[name] ?? (hasDefault ? `default ${String(option.default)}` : '');
    return [flag, note] as const;
  });
  rows.push(['-h, --help', 'print this text and exit']);
  const width = Math.max(...rows.map(([flag]) => flag.length));
  return [
    `usage: node dist/bench/${scriptName()} [options]${positionals ? ` ${positionals}` : ''}`,
    '',
    about,
    '',
    'options:',
    ...rows.map(([flag, note]) => `  ${flag.padEnd(width)}  ${note}`.trimEnd()),
    '',
  ].join('\n');
}

/**
 * parseArgs(config) plus `-h/--help` (prints the usage text: `about`, then the options with their
 * defaults, or `notes[option]` where given, and exits 0). A parse error (unknown option, missing
 * value, unexpected argument) is a usage error: exit 2.
 */
export function parseBenchArgs<const T extends ParseArgsConfig>(
  about: string,
  config: T,
  extra: { readonly notes?: Readonly<Record<string, string>>; readonly positionals?: string } = {},
): ReturnType<typeof parseArgs<T>> {
  let parsed: ReturnType<typeof parseArgs<T>>;
  try {
    const withHelp = { ...config, options: { ...config.options, help: { type: 'boolean', short: 'h' } } } as T;
    parsed = parseArgs(withHelp);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')) usageError((error as Error).message);
    throw error;
  }
  const values = parsed.values as Record<string, unknown>;
  if (values.help === true) {
    process.stdout.write(usageText(about, config, extra.notes ?? {}, extra.positionals));
    process.exit(0);
  }
  delete values.help;
  return parsed;
}

function numberOf(text: string | undefined, flag: string, what: string, ok: (n: number) => boolean): number {
  const n = text === undefined || text.trim() === '' ? Number.NaN : Number(text);
  if (!ok(n)) usageError(`${flag} must be ${what}, got '${text ?? ''}'`);
  return n;
}

/** A whole number >= 1 (counts: tasks, runs, seeds, threads). */
export function positiveInt(text: string | undefined, flag: string): number {
  return numberOf(text, flag, 'a whole number >= 1', (n) => Number.isInteger(n) && n >= 1);
}

/** A whole number >= 0. */
export function nonNegativeInt(text: string | undefined, flag: string): number {
  return numberOf(text, flag, 'a whole number >= 0', (n) => Number.isInteger(n) && n >= 0);
}

/** A finite number > 0 (ratios, factors). */
export function positiveNumber(text: string | undefined, flag: string): number {
  return numberOf(text, flag, 'a number > 0', (n) => Number.isFinite(n) && n > 0);
}

/** A finite number >= 0. */
export function nonNegativeNumber(text: string | undefined, flag: string): number {
  return numberOf(text, flag, 'a number >= 0', (n) => Number.isFinite(n) && n >= 0);
}

/** A comma-separated list of whole numbers >= 1 (`--sizes 512,1024`). */
export function positiveIntList(text: string, flag: string): number[] {
  return text.split(',').map((part) => numberOf(part.trim(), flag, 'a comma-separated list of whole numbers >= 1', (n) => Number.isInteger(n) && n >= 1));
}
