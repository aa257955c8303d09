import { constants } from 'node:fs';
import { access, mkdir, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { WukongError } from '../model/errors.js';
import type { Logger } from '../model/logger.js';
import { historyFromRecords, validateRecords, type MetadataHistory } from './metadata-history.js';
import type { MetadataStore } from './metadata-store.js';
import { decodeRecordLines, encodeRecordLines } from './record-lines.js';
import { METADATA_RECORD_TYPES, type MetadataRecord, type MetadataRecordType } from './records.js';

/** Where the CLI keeps metadata when told nothing else (relative to its working directory). */
export const DEFAULT_METADATA_DIR = '.wukong/metadata';

/** One append-only JSON-lines file per record type. */
export const METADATA_FILE_NAMES: Readonly<Record<MetadataRecordType, string>> = {
  task: 'tasks.jsonl',
  transfer: 'transfers.jsonl',
  invoke: 'invokes.jsonl',
  pool: 'pools.jsonl',
};

/**
 * Metadata as JSON lines under one directory, safe for several writer processes at once:
 * - each batch goes to each file it touches as ONE write() on a descriptor opened O_APPEND, so
 *   the kernel places it at the end in one piece; on a local Linux file system a write to a
 *   regular file holds the inode lock for its whole length, so concurrent batches never interleave
 *   (network file systems such as NFS do not promise this: keep the directory local);
 * - each batch starts with a newline, so a batch torn by a crash mid-write ends its own line
 *   instead of corrupting the next writer's first record (the cost: one blank line per batch);
 * - at load, a line that is not a valid record is skipped and counted (`skipped`, and one warning
 *   through the logger), never fatal.
 * The directory is created on first append. The caller chooses it (the CLI: DEFAULT_METADATA_DIR).
 */
export class FileMetadataStore implements MetadataStore {
  readonly dir: string;
  private readonly logger: Logger | undefined;
  /** Records appended in this turn of the event loop, written together by `nextWrite`. */
  private queued: MetadataRecord[] = [];
  private nextWrite: Promise<void> | undefined;

  constructor(dir: string, options: { logger?: Logger } = {}) {
    this.dir = dir;
    this.logger = options.logger;
  }

  async append(records: readonly MetadataRecord[]): Promise<void> {
    const valid = validateRecords(records);
    if (valid.length === 0) return;
    this.queued.push(...valid);
    // Batches appended in one turn of the event loop (a thread's executors ending together) go
    // out together: one directory check and one write per file for all of them, where each
    // batch's own took ~20 ms of a 40 ms tree reduction of 64 executors.
    this.nextWrite ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      const batch = this.queued;
      this.queued = [];
      this.nextWrite = undefined;
      return this.write(batch);
    });
    return this.nextWrite;
  }

  private async write(records: readonly MetadataRecord[]): Promise<void> {
    const byType = new Map<MetadataRecordType, MetadataRecord[]>();
    for (const record of records) {
      const list = byType.get(record.type);
      if (list) list.push(record);
      else byType.set(record.type, [record]);
    }
    await this.guard('create directory', () => mkdir(this.dir, { recursive: true }));
    await Promise.all(
      [...byType].map(([type, batch]) => this.guard('append', () => appendInOneWrite(this.fileOf(type), `\n${encodeRecordLines(batch)}`))),
    );
  }

  async load(): Promise<MetadataHistory> {
    const records: MetadataRecord[] = [];
    let skipped = 0;
    for (const type of METADATA_RECORD_TYPES) {
      const text = await this.guard('read', () => readIfExists(this.fileOf(type)));
      if (text === undefined) continue;
      const decoded = decodeRecordLines(text);
      records.push(...decoded.records);
      skipped += decoded.rejected.length;
      if (decoded.rejected.length > 0) {
        const first = decoded.rejected[0];
        this.logger?.warn(
          { file: this.fileOf(type), skipped: decoded.rejected.length, firstLine: first?.line, reason: first?.reason },
          'skipped metadata lines that are not valid records (a torn write or foreign text)',
        );
      }
    }
    return historyFromRecords(records, skipped);
  }

  async taskKeys(): Promise<string[]> {
    const history = await this.load();
    return [...new Set(history.tasks.map((record) => record.taskKey))].sort();
  }

  async clear(): Promise<void> {
    await Promise.all(METADATA_RECORD_TYPES.map((type) => this.guard('clear', () => rm(this.fileOf(type), { force: true }))));
  }

  async close(): Promise<void> {}

  fileOf(type: MetadataRecordType): string {
    return join(this.dir, METADATA_FILE_NAMES[type]);
  }

  async checkWritable(): Promise<void> {
    await this.guard('create directory', () => mkdir(this.dir, { recursive: true }));
    await this.guard('write', () => access(this.dir, constants.W_OK));
  }

  private async guard<T>(what: string, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      throw new WukongError('STORE_FAILED', `metadata directory ${this.dir}: ${what} failed: ${(error as Error).message}`, { cause: error });
    }
  }
}

/**
 * Appends `text` with a single write() on an O_APPEND descriptor. (fs.appendFile splits buffers
 * over 512 KiB into several writes, which concurrent writers could interleave.) A short write only
 * happens on a full disk or similar; the remainder is then written too, and may tear.
 */
async function appendInOneWrite(path: string, text: string): Promise<void> {
  const buffer = Buffer.from(text, 'utf8');
  const handle = await open(path, 'a');
  try {
    let offset = 0;
    while (offset < buffer.length) {
      const { bytesWritten } = await handle.write(buffer, offset, buffer.length - offset);
      offset += bytesWritten;
    }
  } finally {
    await handle.close();
  }
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
