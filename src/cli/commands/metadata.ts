import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { BadInputError, NotFoundError, WukongError } from '../../model/errors.js';
import { formatMetadataSummary } from '../../metadata/format-metadata-summary.js';
import { recordCount, recordsOfHistory, recordsOfNewRuns } from '../../metadata/metadata-history.js';
import { describeMetadataLocation, openMetadataStore, parseMetadataLocation, type MetadataLocation } from '../../metadata/metadata-location.js';
import type { MetadataStore } from '../../metadata/metadata-store.js';
import { summarizeHistory } from '../../metadata/metadata-summary.js';
import { withDeprecatedAlias } from '../deprecated-alias.js';
import { checkOutputFileArgument } from '../output-paths.js';
import { defaultMetadataText, METADATA_FLAG_HELP } from '../recording-location.js';
import { decodeRecordLines, encodeRecordLines } from '../../metadata/record-lines.js';

export interface MetadataStoreFlags {
  metadata?: string | false;
  metadataDir?: string;
}

/** Records per append when importing: one write / pipeline each, bounded in size. */
const IMPORT_BATCH_RECORDS = 5000;

/**
 * Where metadata lives, first match wins: `--metadata URL|DIR`, `--metadata-dir DIR`, env
 * WUKONG_METADATA, `.wukong/metadata` under `cwd`. Directories resolve against `cwd`.
 */
export function metadataLocationFromFlags(flags: MetadataStoreFlags, env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): MetadataLocation {
  if (flags.metadata !== undefined && flags.metadataDir !== undefined) throw new BadInputError('give --metadata or --metadata-dir, not both');
  if (flags.metadata === false) throw new BadInputError('--no-metadata: this command needs a metadata store');
  const text = flags.metadata ?? (flags.metadataDir !== undefined ? flagDir(flags.metadataDir) : undefined) ?? defaultMetadataText(env, cwd);
  const location = parseMetadataLocation(text);
  return location.kind === 'file' ? { kind: 'file', dir: resolve(cwd, location.dir) } : location;
}

/** `--metadata-dir` is always a directory, even one whose name looks like a URL. */
function flagDir(dir: string): string {
  if (dir.trim() === '') throw new BadInputError('--metadata-dir is empty');
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(dir) ? `./${dir}` : dir;
}

function withStoreOptions(command: Command): Command {
  return withDeprecatedAlias(command.option('--metadata <url-or-dir>', METADATA_FLAG_HELP), '--metadata-dir <dir>', '--metadata <url-or-dir>', { keepOwnValue: true });
}

async function withStore<T>(flags: MetadataStoreFlags, use: (store: MetadataStore, where: string) => Promise<T>): Promise<T> {
  const location = metadataLocationFromFlags(flags);
  const store = await openMetadataStore(location);
  try {
    return await use(store, describeMetadataLocation(location));
  } finally {
    await store.close();
  }
}

export function registerMetadataCommand(program: Command): void {
  const metadata = program.command('metadata').description('inspect, export, import or clear the task and transfer history the planner learns from');

  withStoreOptions(metadata.command('stats'))
    .description('samples and avg / median / p90 of execution time per task key, of transfers per store, of start-ups per tier')
    .option('--task-key <key>', 'only this task key')
    .option('--json', 'print the summary as one JSON object')
    .action(async (flags: MetadataStoreFlags & { taskKey?: string; json?: boolean }) => {
      await withStore(flags, async (store, where) => {
        const summary = summarizeHistory(await store.load(), flags.taskKey === undefined ? {} : { taskKey: flags.taskKey });
        if (flags.taskKey !== undefined && summary.taskKeys.length === 0) throw new NotFoundError(flags.taskKey, `no task records for task key "${flags.taskKey}" in ${where}`);
        process.stdout.write(flags.json ? `${JSON.stringify({ location: where, ...summary })}\n` : formatMetadataSummary(summary, where));
      });
    });

  withStoreOptions(metadata.command('export'))
    .description('write every record as JSON lines (- for standard output)')
    .argument('<file>', 'output file, or - for standard output')
    .action(async (file: string, flags: MetadataStoreFlags) => {
      checkOutputFileArgument('metadata export', file);
      await withStore(flags, async (store, where) => {
        const history = await store.load();
        const text = encodeRecordLines(recordsOfHistory(history));
        if (file === '-') process.stdout.write(text);
        else {
          await writeFile(file, text).catch((error: unknown) => {
            throw new WukongError('STORE_FAILED', `cannot write ${file}: ${(error as Error).message}`, { cause: error });
          });
          process.stdout.write(`exported ${recordCount(history)} records from ${where} to ${file}\n`);
        }
      });
    });

  withStoreOptions(metadata.command('import'))
    .description('append records from a JSON-lines file (as export writes); all or nothing: a bad line writes nothing; runs the store already holds are skipped')
    .argument('<file>', 'JSON-lines file')
    .action(async (file: string, flags: MetadataStoreFlags) => {
      const text = await readFile(file, 'utf8').catch((error: unknown) => {
        throw new BadInputError(`cannot read ${file}: ${(error as Error).message}`, { cause: error });
      });
      const { records, rejected } = decodeRecordLines(text);
      if (rejected.length > 0) {
        const shown = rejected.slice(0, 5).map((r) => `line ${r.line}: ${r.reason}`);
        throw new BadInputError(`${file}: ${rejected.length} line(s) are not metadata records; nothing imported\n  ${shown.join('\n  ')}`);
      }
      await withStore(flags, async (store, where) => {
        const { fresh, skippedRecords, skippedRuns } = recordsOfNewRuns(records, await store.load());
        for (let start = 0; start < fresh.length; start += IMPORT_BATCH_RECORDS) await store.append(fresh.slice(start, start + IMPORT_BATCH_RECORDS));
        const skipped = skippedRecords > 0 ? `; skipped ${skippedRecords} records of ${skippedRuns} run(s) already there` : '';
        process.stdout.write(`imported ${fresh.length} records into ${where}${skipped}\n`);
      });
    });

  withStoreOptions(metadata.command('clear'))
    .description('remove every record (asks first on a terminal; elsewhere needs --yes)')
    .option('--yes', 'do not ask')
    .action(async (flags: MetadataStoreFlags & { yes?: boolean }) => {
      await withStore(flags, async (store, where) => {
        if (!flags.yes && !(await confirm(`remove all metadata at ${where}? [y/N] `))) {
          process.stdout.write('nothing removed\n');
          return;
        }
        await store.clear();
        process.stdout.write(`cleared metadata at ${where}\n`);
      });
    });
}

/** Asks on a terminal; refuses (exit 2) when there is no terminal to ask, since the answer would be guessed. */
async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) throw new BadInputError('refusing to clear metadata without --yes: standard input is not a terminal to ask on');
  const readline = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await readline.question(question)).trim());
  } finally {
    readline.close();
  }
}
