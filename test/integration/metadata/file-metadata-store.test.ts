import { spawn } from 'node:child_process';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileMetadataStore } from '../../../src/metadata/file-metadata-store.js';
import type { MetadataRecord } from '../../../src/metadata/records.js';
import type { Logger } from '../../../src/model/logger.js';
import { describeMetadataStoreConformance } from '../../unit/metadata/metadata-store.conformance.js';
import { taskRecord, transferRecord } from '../../unit/metadata/record-fixtures.js';

const tempDirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'wukong-metadata-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describeMetadataStoreConformance('file', async () => new FileMetadataStore(join(await tempDir(), 'nested', 'metadata')));

/**
 * A writer process doing what FileMetadataStore.append does (node has no TypeScript loader here):
 * per batch, one write() of "\n" + JSON lines on a descriptor opened O_APPEND.
 */
const CHILD_WRITER = `
const fs = require('node:fs');
const [file, writer, batches, perBatch, pad] = process.argv.slice(1);
for (let b = 0; b < Number(batches); b += 1) {
  let text = '\\n';
  for (let i = 0; i < Number(perBatch); i += 1) {
    text += JSON.stringify({ type: 'task', runId: 'child-' + writer, taskId: writer + '-' + b + '-' + i, op: 'synthetic.work',
      taskKey: 'k-' + 'x'.repeat(Number(pad)), worker: { memoryMb: 1769, vcpu: 1 }, execMs: 1, inputBytes: 0, outputBytes: 8, at: b }) + '\\n';
  }
  const fd = fs.openSync(file, 'a');
  const buffer = Buffer.from(text);
  let offset = 0;
  while (offset < buffer.length) offset += fs.writeSync(fd, buffer, offset, buffer.length - offset);
  fs.closeSync(fd);
}
`;

function runChildWriter(file: string, writer: string, batches: number, perBatch: number, pad: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', CHILD_WRITER, file, writer, String(batches), String(perBatch), String(pad)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`writer ${writer} exited ${code}: ${stderr}`))));
  });
}

describe('FileMetadataStore', () => {
  it('keeps every record whole with several processes and async writers appending at once', async () => {
    const dir = await tempDir();
    const store = new FileMetadataStore(dir);
    await store.append([taskRecord({ taskId: 'seed' })]); // creates the directory and file
    // Batches of ~600 KB: over fs.appendFile's 512 KiB chunk, so a split write would show as torn lines.
    const perBatch = 1000;
    const pad = 400;
    const childBatches = 3;
    const inProcessBatches = 3;
    const inProcessWriters = [0, 1, 2].map(async (writer) => {
      const own = new FileMetadataStore(dir);
      for (let b = 0; b < inProcessBatches; b += 1) {
        const batch: MetadataRecord[] = Array.from({ length: perBatch }, (_, i) =>
          taskRecord({ runId: `async-${writer}`, taskId: `async${writer}-${b}-${i}`, taskKey: `k-${'y'.repeat(pad)}`, at: b }),
        );
        await own.append(batch);
      }
    });
    const children = ['c0', 'c1', 'c2'].map((writer) => runChildWriter(store.fileOf('task'), writer, childBatches, perBatch, pad));
    await Promise.all([...inProcessWriters, ...children]);

    const history = await store.load();
    expect(history.skipped).toBe(0);
    const ids = new Set(history.tasks.map((record) => record.taskId));
    expect(history.tasks.length).toBe(1 + 3 * inProcessBatches * perBatch + 3 * childBatches * perBatch);
    expect(ids.size).toBe(history.tasks.length);
    // Every batch sits in one contiguous run of lines: nothing of another writer inside it.
    const lines = (await readFile(store.fileOf('task'), 'utf8')).split('\n').filter((line) => line !== '');
    const batchOf = (line: string): string => {
      const { taskId } = JSON.parse(line) as { taskId: string };
      return taskId.slice(0, taskId.lastIndexOf('-'));
    };
    let runs = 0;
    for (let i = 0; i < lines.length; i += 1) if (i === 0 || batchOf(lines[i] as string) !== batchOf(lines[i - 1] as string)) runs += 1;
    expect(runs).toBe(1 + 3 * inProcessBatches + 3 * childBatches);
  });

  it('skips a torn or garbage line with one counted warning, and keeps the records around it', async () => {
    const dir = await tempDir();
    const warnings: { fields: Record<string, unknown>; message: string }[] = [];
    const logger: Logger = { debug: () => undefined, info: () => undefined, error: () => undefined, warn: (fields, message) => warnings.push({ fields, message }) };
    const store = new FileMetadataStore(dir, { logger });
    await store.append([taskRecord({ taskId: 'before' })]);
    // A writer that died mid-write leaves half a line with no newline...
    const whole = JSON.stringify(taskRecord({ taskId: 'torn' }));
    await appendFile(store.fileOf('task'), whole.slice(0, whole.length / 2));
    // ...and the next batch still lands on a line of its own.
    await store.append([taskRecord({ taskId: 'after' }), transferRecord()]);
    await appendFile(store.fileOf('task'), 'not json at all\n{"type":"task","runId":"x"}\n');

    const history = await store.load();
    expect(history.tasks.map((record) => record.taskId)).toEqual(['before', 'after']);
    expect(history.transfers).toHaveLength(1);
    expect(history.skipped).toBe(3);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.fields).toMatchObject({ file: store.fileOf('task'), skipped: 3 });
  });

  it('loads nothing (and creates nothing) from a directory that does not exist', async () => {
    const store = new FileMetadataStore(join(await tempDir(), 'never-written'));
    expect(await store.load()).toEqual({ tasks: [], transfers: [], invokes: [], pools: [], skipped: 0 });
    await store.clear();
    expect(await store.taskKeys()).toEqual([]);
  });

  it('writes one JSON-lines file per record type', async () => {
    const dir = await tempDir();
    const store = new FileMetadataStore(dir);
    await store.append([taskRecord(), transferRecord()]);
    expect((await readFile(join(dir, 'tasks.jsonl'), 'utf8')).trim()).toBe(JSON.stringify(taskRecord()));
    expect((await readFile(join(dir, 'transfers.jsonl'), 'utf8')).trim()).toBe(JSON.stringify(transferRecord()));
    await expect(readFile(join(dir, 'invokes.jsonl'), 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('reports a directory it cannot write as STORE_FAILED', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'a-file'), 'x');
    const store = new FileMetadataStore(join(dir, 'a-file', 'metadata'));
    await expect(store.append([taskRecord()])).rejects.toMatchObject({ code: 'STORE_FAILED' });
  });
});

describe('batches appended in one turn of the event loop', () => {
  it('go out as one write per file (one batch separator), each append settling once its records are written', async () => {
    const store = new FileMetadataStore(await tempDir());
    await Promise.all([store.append([taskRecord({ taskId: 'a' })]), store.append([taskRecord({ taskId: 'b' }), transferRecord({})]), store.append([taskRecord({ taskId: 'c' })])]);
    const together = await readFile(store.fileOf('task'), 'utf8');
    // One batch: its leading newline, then the three records.
    expect(together.split('\n').filter((line) => line === '').length).toBe(2);
    expect((await store.load()).tasks.map((r) => r.taskId)).toEqual(['a', 'b', 'c']);
    await store.append([taskRecord({ taskId: 'd' })]);
    await store.append([taskRecord({ taskId: 'e' })]);
    const apart = await readFile(store.fileOf('task'), 'utf8');
    // Appends in turns of their own are batches of their own.
    expect(apart.split('\n').filter((line) => line === '').length).toBe(4);
    // A bad record refuses its own batch only; the others appended in the same turn are written.
    const bad = { ...taskRecord({ taskId: 'bad' }), execMs: -1 };
    const results = await Promise.allSettled([store.append([taskRecord({ taskId: 'f' })]), store.append([bad as MetadataRecord])]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
    expect((await store.load()).tasks.map((r) => r.taskId)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });
});
