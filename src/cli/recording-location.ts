import { resolve } from 'node:path';
import { BadInputError } from '../model/errors.js';
import { DEFAULT_METADATA_DIR } from '../metadata/file-metadata-store.js';
import { projectStatePath } from './project-root.js';
import { describeMetadataLocation, openMetadataStore, parseMetadataLocation, type MetadataLocation } from '../metadata/metadata-location.js';

/** `--metadata <url-or-dir>`: the one spelling of the history store in every command. */
export const METADATA_FLAG_HELP = `the history store: a redis:// URL or a directory (default: env WUKONG_METADATA, else ${DEFAULT_METADATA_DIR})`;

export const RECORDING_FLAG_HELP = `record task/transfer/invoke metadata here, and plan from it: a directory or a redis:// URL (default: env WUKONG_METADATA, else with --backend lambda the Lambda config's metadataUrl, where its executors record, else ${DEFAULT_METADATA_DIR})`;

/** The metadata store commands use when no flag names one: env WUKONG_METADATA, else .wukong/metadata. */
export function defaultMetadataText(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  return env.WUKONG_METADATA ?? projectStatePath(DEFAULT_METADATA_DIR, cwd, env);
}

/**
 * Where a run records metadata (`--metadata`, `--no-metadata` = false). Runs record into the file
 * store by default; memory would be lost with the executor threads.
 */
export function recordingLocationFromFlag(flag: string | false | undefined): MetadataLocation | undefined {
  if (flag === false) return undefined;
  const location = parseMetadataLocation(flag ?? defaultMetadataText());
  if (location.kind === 'memory') throw new BadInputError('--metadata memory: is not available for runs: executor threads would each keep their own');
  return location.kind === 'file' ? { kind: 'file', dir: resolve(location.dir) } : location;
}

/**
 * `location` when records can be written there; otherwise undefined (the run records nothing)
 * and one warning on stderr naming the location and the reason. Executors cannot report a failed
 * write back (embedded threads and Lambda log it where the user does not look), so the check comes
 * before the run.
 */
export async function usableRecordingLocation(location: MetadataLocation | undefined): Promise<MetadataLocation | undefined> {
  if (location === undefined) return undefined;
  let reason: string | undefined;
  try {
    const store = await openMetadataStore(location);
    try {
      await store.checkWritable();
    } finally {
      await store.close().catch(() => undefined);
    }
  } catch (error) {
    reason = error instanceof Error ? error.message : String(error);
  }
  if (reason === undefined) return location;
  process.stderr.write(`wukong: warning: metadata will not be recorded: ${describeMetadataLocation(location)}: ${reason}\n`);
  return undefined;
}
