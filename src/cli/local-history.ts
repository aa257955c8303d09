import { writeFile } from 'node:fs/promises';
import { WukongError } from '../model/errors.js';
import { recordCount, recordsOfHistory } from '../metadata/metadata-history.js';
import type { MetadataHistory } from '../metadata/metadata-history.js';
import { encodeRecordLines } from '../metadata/record-lines.js';
import { isOurs, type LocalState } from './local-stack.js';

/**
 * The Lambda runs' metadata history that `local down` would lose: the stack's own redis-server
 * runs without persistence (`--save '' --appendonly no`) and the Lambda config's metadataUrl
 * points at it, so stopping it drops every record the planner learned from. A Redis passed with
 * `--redis` is not stopped by `down`, so its history is not at stake (undefined then).
 */
export async function historyAtStake(state: LocalState): Promise<{ url: string; history: MetadataHistory; count: number } | undefined> {
  const redis = state.processes.find((p) => p.name === 'redis');
  if (redis === undefined || !isOurs(redis)) return undefined;
  const { RedisMetadataStore } = await import('../metadata/redis-metadata-store.js');
  const store = new RedisMetadataStore(state.redisUrl);
  try {
    const history = await store.load();
    return { url: state.redisUrl, history, count: recordCount(history) };
  } finally {
    await store.close();
  }
}

/** Writes the records as `wukong metadata export` does, so `wukong metadata import FILE` reads them back. */
export async function exportHistory(history: MetadataHistory, file: string): Promise<void> {
  await writeFile(file, encodeRecordLines(recordsOfHistory(history))).catch((error: unknown) => {
    throw new WukongError('STORE_FAILED', `cannot write ${file}: ${(error as Error).message}`, { cause: error });
  });
}
