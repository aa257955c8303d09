import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeRecordLines } from '../../src/metadata/record-lines.js';
import type { MetadataRecord } from '../../src/metadata/records.js';
import { RedisMetadataStore } from '../../src/metadata/redis-metadata-store.js';
import { startRedisServer, type RedisServerHandle } from '../helpers/redis-server.js';
import { invokeRecord, taskRecord, transferRecord } from '../unit/metadata/record-fixtures.js';

const BIN = join(process.cwd(), 'bin/wukong.js');

/** Runs the CLI as a user would, in `cwd`, with stdin a pipe (not a terminal). */
function wukong(cwd: string, args: string[], env: Record<string, string> = {}) {
  const { WUKONG_METADATA: _ignored, ...baseEnv } = process.env;
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd, env: { ...baseEnv, ...env }, encoding: 'utf8', timeout: 60_000, input: '' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const RECORDS: MetadataRecord[] = [
  ...[100, 200, 300, 400, 500].map((execMs, i) => taskRecord({ taskId: `mul-${i}`, taskKey: 'matrix.matmul|{}|500x500,500x500', execMs, at: i })),
  taskRecord({ taskId: 'rand-0', taskKey: 'matrix.random|{"cols":500,"rows":500}|', execMs: 12 }),
  transferRecord({ store: 's3', direction: 'get', bytes: 2_000_000, ms: 40 }),
  transferRecord({ store: 's3', direction: 'get', bytes: 1_000_000, ms: 10 }),
  invokeRecord({ tier: 1769, cold: true, startupMs: 310 }),
];

let cwd: string;
let redis: RedisServerHandle;
beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'wukong-metadata-cli-'));
  await writeFile(join(cwd, 'history.jsonl'), encodeRecordLines(RECORDS));
  redis = await startRedisServer();
});
afterAll(async () => {
  await rm(cwd, { recursive: true, force: true });
  await redis.stop();
});

describe('wukong metadata (e2e, file store under the working directory)', () => {
  it('import writes .wukong/metadata; stats summarizes; export gives the records back', async () => {
    const imported = wukong(cwd, ['metadata', 'import', 'history.jsonl']);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain(`imported ${RECORDS.length} records into ${join(cwd, '.wukong/metadata')}`);
    expect(existsSync(join(cwd, '.wukong/metadata/tasks.jsonl'))).toBe(true);

    const stats = wukong(cwd, ['metadata', 'stats', '--json']);
    expect(stats.code).toBe(0);
    const summary = JSON.parse(stats.stdout);
    expect(summary.taskKeys).toEqual([
      { taskKey: 'matrix.matmul|{}|500x500,500x500', execMs: { samples: 5, avg: 300, median: 300, p90: 460 } },
      { taskKey: 'matrix.random|{"cols":500,"rows":500}|', execMs: { samples: 1, avg: 12, median: 12, p90: 12 } },
    ]);
    expect(summary.transfers[0]).toMatchObject({ store: 's3', direction: 'get', ms: { samples: 2, median: 25 }, megabytesPerSecond: { median: 75 } });

    const text = wukong(cwd, ['metadata', 'stats']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/matrix\.matmul\|\{\}\|500x500,500x500\s+5\s+300\s+300\s+460/);

    const exported = wukong(cwd, ['metadata', 'export', 'out.jsonl']);
    expect(exported.code).toBe(0);
    expect(await readFile(join(cwd, 'out.jsonl'), 'utf8')).toBe(encodeRecordLines(RECORDS));
    expect(wukong(cwd, ['metadata', 'export', '-']).stdout).toBe(encodeRecordLines(RECORDS));
  });

  it('importing the same records again skips their runs: samples are not doubled', async () => {
    const again = wukong(cwd, ['metadata', 'import', 'history.jsonl']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`imported 0 records into ${join(cwd, '.wukong/metadata')}; skipped ${RECORDS.length} records of 1 run(s) already there`);
    await writeFile(join(cwd, 'mixed.jsonl'), encodeRecordLines([...RECORDS, taskRecord({ runId: 'run-2', taskId: 'mul-9', taskKey: 'matrix.matmul|{}|500x500,500x500', execMs: 600 })]));
    const mixed = wukong(cwd, ['metadata', 'import', 'mixed.jsonl']);
    expect(mixed.stdout).toContain(`imported 1 records into ${join(cwd, '.wukong/metadata')}; skipped ${RECORDS.length} records of 1 run(s) already there`);
    const summary = JSON.parse(wukong(cwd, ['metadata', 'stats', '--json']).stdout);
    expect(summary.taskKeys[0]).toMatchObject({ taskKey: 'matrix.matmul|{}|500x500,500x500', execMs: { samples: 6 } });
  });

  it('stats --task-key shows one key; an unknown key is an error (exit 1)', () => {
    const one = wukong(cwd, ['metadata', 'stats', '--json', '--task-key', 'matrix.random|{"cols":500,"rows":500}|']);
    expect(one.code).toBe(0);
    expect(JSON.parse(one.stdout).taskKeys).toHaveLength(1);
    const none = wukong(cwd, ['metadata', 'stats', '--task-key', 'nope']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no task records for task key "nope"');
  });

  it('import refuses a file with bad lines, naming them, and writes nothing (exit 2)', async () => {
    await writeFile(join(cwd, 'bad.jsonl'), `${encodeRecordLines([taskRecord({ taskKey: 'from-bad-file' })])}{"type":"task"}\n`);
    const result = wukong(cwd, ['metadata', 'import', 'bad.jsonl', '--metadata-dir', 'other']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/1 line\(s\) are not metadata records; nothing imported\n\s+line 2: runId/);
    expect(existsSync(join(cwd, 'other'))).toBe(false);
    expect(wukong(cwd, ['metadata', 'import', 'missing.jsonl']).code).toBe(2);
  });

  it('clear refuses without --yes when stdin is not a terminal, and clears with it', () => {
    const refused = wukong(cwd, ['metadata', 'clear']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('refusing to clear metadata without --yes');
    expect(JSON.parse(wukong(cwd, ['metadata', 'stats', '--json']).stdout).taskKeys).toHaveLength(2);

    const cleared = wukong(cwd, ['metadata', 'clear', '--yes']);
    expect(cleared.code).toBe(0);
    expect(cleared.stdout).toContain('cleared metadata at');
    expect(JSON.parse(wukong(cwd, ['metadata', 'stats', '--json']).stdout)).toMatchObject({ taskKeys: [], transfers: [], startups: [] });
  });

  it('says what is wrong with store flags (exit 2)', () => {
    expect(wukong(cwd, ['metadata', 'stats', '--metadata', 'x', '--metadata-dir', 'y']).stderr).toContain('not both');
    expect(wukong(cwd, ['metadata', 'stats', '--metadata', 'ftp://x']).code).toBe(2);
  });
});

describe('wukong metadata (e2e, Redis store)', () => {
  it('imports, summarizes, exports and clears through --metadata redis://', async () => {
    const imported = wukong(cwd, ['metadata', 'import', 'history.jsonl', '--metadata', redis.url]);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);

    const store = new RedisMetadataStore(redis.url);
    try {
      expect(await store.taskKeys()).toEqual(['matrix.matmul|{}|500x500,500x500', 'matrix.random|{"cols":500,"rows":500}|']);
      const stats = JSON.parse(wukong(cwd, ['metadata', 'stats', '--json', '--metadata', redis.url]).stdout);
      expect(stats.location).toBe(`${redis.url}`);
      expect(stats.taskKeys[0].execMs).toEqual({ samples: 5, avg: 300, median: 300, p90: 460 });

      // WUKONG_METADATA is the fallback when no flag names a store.
      const viaEnv = wukong(cwd, ['metadata', 'export', '-'], { WUKONG_METADATA: redis.url });
      expect(viaEnv.code).toBe(0);
      const exported = viaEnv.stdout.trim().split('\n').map((line) => JSON.parse(line) as MetadataRecord);
      expect(exported).toHaveLength(RECORDS.length);
      expect(exported).toEqual(expect.arrayContaining(RECORDS));

      expect(wukong(cwd, ['metadata', 'clear', '--metadata', redis.url]).code).toBe(2);
      expect(wukong(cwd, ['metadata', 'clear', '--yes', '--metadata', redis.url]).code).toBe(0);
      expect(await store.taskKeys()).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
