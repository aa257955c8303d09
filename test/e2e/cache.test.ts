import { mkdtempSync, readdirSync, readFileSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServerHandle } from '../helpers/redis-server.js';
import { startS3rver, type S3rverHandle } from '../helpers/s3rver.js';
import { runWukong } from '../helpers/wukong-cli.js';
import { userOpsCacheDag, type CacheSummaryJson } from '../helpers/cache-fixtures.js';

const wukong = (args: string[], env: NodeJS.ProcessEnv = {}) => runWukong(args, { env });

interface SubmitJson {
  ok: boolean;
  tasks: number;
  cache?: CacheSummaryJson;
}

const dir = mkdtempSync(join(tmpdir(), 'wk-cache-'));
const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

/** Submits a DAG with the cache at `cache` (or none), writing outputs to `out`; returns the JSON summary. */
function submit(dag: string, cache: string | undefined, out: string, extra: string[] = []): SubmitJson {
  const run = wukong(['submit', dag, '--workers', '2', '--json', '--no-metadata', '--output-dir', out, ...(cache ? ['--cache', cache] : ['--no-cache']), ...extra]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as SubmitJson;
}

const outputsOf = (out: string) => Object.fromEntries(readdirSync(out).sort().map((name) => [name, readFileSync(join(out, name))]));
const recomputedIds = (summary: SubmitJson) => (summary.cache?.recomputed ?? []).map((r) => r.taskId).sort();

describe('result cache (e2e)', () => {
  // gemm small: a-i-j, b-i-j sources; mul-i-k-j = a-i-k x b-k-j; c-i-j = sum over k: the outputs.
  let gemm: { name: string; tasks: { id: string; op: string; args?: Record<string, unknown>; deps?: string[] }[]; outputs: string[] };
  let gemmFile: string;
  const cacheDir = join(dir, 'cache');

  beforeAll(() => {
    gemmFile = join(dir, 'gemm.json');
    const saved = wukong(['replay', 'gemm', '--size', 'small', '--workers', '2', '--no-metadata', '--save-dag', gemmFile, '--json']);
    expect(saved.code).toBe(0);
    gemm = JSON.parse(readFileSync(gemmFile, 'utf8')) as typeof gemm;
  });

  it('a second run of an unchanged DAG is all hits and returns bit-identical outputs', () => {
    const first = submit(gemmFile, cacheDir, join(dir, 'o1'));
    expect(first.cache).toMatchObject({ hits: 0, corrupt: 0 });
    expect(first.cache?.recomputed).toHaveLength(20);
    expect(first.cache?.recomputed.every((r) => r.reason === 'new task')).toBe(true);
    const second = submit(gemmFile, cacheDir, join(dir, 'o2'));
    // The four outputs come from the cache; nothing runs.
    expect(second.cache).toMatchObject({ hits: 4, recomputed: [], skipped: 16, corrupt: 0 });
    expect(second.tasks).toBe(0);
    expect(outputsOf(join(dir, 'o2'))).toEqual(outputsOf(join(dir, 'o1')));
  });

  it('changing one block\'s seed re-runs exactly that block and its descendants, to the right result', () => {
    const changed = structuredClone(gemm);
    const block = changed.tasks.find((t) => t.id === 'a-0-0')!;
    block.args = { ...block.args, seed: Number(block.args?.seed) + 1 };
    const changedFile = file('gemm-changed.json', JSON.stringify(changed));
    // The unchanged DAG's results are in the cache (this fills it when the test runs alone).
    submit(gemmFile, cacheDir, join(dir, 'o-fill'));
    const html = join(dir, 'changed.html');
    const run = submit(changedFile, cacheDir, join(dir, 'o3'), ['--html', html]);
    expect(recomputedIds(run)).toEqual(['a-0-0', 'c-0-0', 'c-0-1', 'mul-0-0-0', 'mul-0-0-1']);
    const reasons = Object.fromEntries(run.cache!.recomputed.map((r) => [r.taskId, r.reason]));
    expect(reasons['a-0-0']).toBe('args changed');
    expect(reasons['mul-0-0-0']).toBe('input changed (a-0-0)');
    expect(run.tasks).toBe(5);
    // The HTML page lists the re-run tasks with why.
    expect(readFileSync(html, 'utf8')).toContain('<tr><td>mul-0-0-1</td><td>input changed (a-0-0)</td></tr>');
    // The result equals an uncached run (--no-cache) of the changed DAG, bit for bit.
    const fresh = submit(changedFile, undefined, join(dir, 'o3-fresh'));
    expect(fresh.cache).toBeUndefined();
    expect(fresh.tasks).toBe(20);
    expect(outputsOf(join(dir, 'o3'))).toEqual(outputsOf(join(dir, 'o3-fresh')));
    expect(outputsOf(join(dir, 'o3'))['c-0-0.arrow']).not.toEqual(outputsOf(join(dir, 'o-fill'))['c-0-0.arrow']);
    expect(outputsOf(join(dir, 'o3'))['c-1-1.arrow']).toEqual(outputsOf(join(dir, 'o-fill'))['c-1-1.arrow']);
  });

  it('wukong cache stats, gc --older-than and clear', () => {
    const statsDir = join(dir, 'stats-cache');
    submit(gemmFile, statsDir, join(dir, 'o-stats'));
    const stats = () => JSON.parse(wukong(['cache', 'stats', statsDir, '--json']).stdout) as { entries: number; notes: number; entryBytes: number };
    // One result per task (all 20 outputs were stored) and one note per task id.
    expect(stats()).toMatchObject({ entries: 20, notes: 20 });
    expect(stats().entryBytes).toBeGreaterThan(20 * 128 * 128 * 8);
    expect(wukong(['cache', 'gc', statsDir, '--older-than', '1h']).stdout).toBe(`removed 0 cache objects older than 1h from ${statsDir}\n`);
    expect(wukong(['cache', 'gc', statsDir]).code).toBe(2);
    expect(wukong(['cache', 'clear', statsDir]).stdout).toBe(`removed 40 cache objects from ${statsDir}\n`);
    expect(stats()).toMatchObject({ entries: 0, notes: 0 });
    // A location that cannot be a cache is bad input: exit 2, nothing run.
    const notDir = file('not-a-dir', 'x');
    const bad = wukong(['submit', gemmFile, '--no-metadata', '--cache', notDir]);
    expect(bad).toMatchObject({ code: 2, stderr: `wukong: --cache ${notDir}: not a directory\n` });
    expect(wukong(['cache', 'stats', 'ftp://host/x']).code).toBe(2);
  });

  it('changing a user op\'s code invalidates its tasks and their descendants, nothing else', () => {
    const api = join(process.cwd(), 'dist/src/api/index.js');
    const zod = join(process.cwd(), 'node_modules/zod/index.js');
    const opModule = (name: string, opName: string, factor: number) =>
      file(
        name,
        `import { defineOp } from '${api}';\nimport { z } from '${zod}';\nexport default defineOp({ name: '${opName}', description: 'scale', args: z.object({}).strict(), arity: { min: 1, max: 1 }, outputs: 1,\n  run: ([m]) => [{ kind: 'matrix', rows: m.rows, cols: m.cols, data: m.data.map((x) => x * ${factor}) }] });\n`,
      );
    const scale = opModule('scale.mjs', 'demo.scale', 2);
    const twice = opModule('twice.mjs', 'demo.twice', 2);
    const dag = file('user.json', userOpsCacheDag('user-cache'));
    const userCache = join(dir, 'user-cache');
    const ops = ['--ops', scale, '--ops', twice];
    expect(submit(dag, userCache, join(dir, 'u1'), ops).cache?.recomputed).toHaveLength(5);
    expect(submit(dag, userCache, join(dir, 'u2'), ops).cache).toMatchObject({ hits: 2, recomputed: [] });
    opModule('scale.mjs', 'demo.scale', 5);
    const edited = submit(dag, userCache, join(dir, 'u3'), ops);
    expect(recomputedIds(edited)).toEqual(['after-scaled', 'scaled', 'sum']);
    expect(edited.cache?.recomputed.find((r) => r.taskId === 'scaled')?.reason).toBe('op code changed');
    // The same bits as an uncached run with the edited code (3 * 5 * 2 + 3 * 2 = 36 everywhere).
    const fresh = submit(dag, undefined, join(dir, 'u3-fresh'), ops);
    expect(fresh.tasks).toBe(5);
    expect(outputsOf(join(dir, 'u3'))).toEqual(outputsOf(join(dir, 'u3-fresh')));
  });
});

describe('result cache keys follow source data and non-deterministic ops (e2e)', () => {
  it('a touched source file re-runs its read and everything downstream of it', () => {
    const data = join(dir, 'pipeline-data');
    const cache = join(dir, 'pipeline-cache');
    const replay = () => {
      const run = wukong(['replay', 'pipeline', '--size', 'small', '--workers', '2', '--no-metadata', '--json', '--data', data, '--cache', cache]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const summary = JSON.parse(run.stdout) as { verification: { ok: boolean }; lastRun: { cache: CacheSummaryJson } };
      expect(summary.verification.ok).toBe(true);
      return summary.lastRun.cache;
    };
    expect(replay().recomputed).toHaveLength(14);
    const source = join(data, readdirSync(data)[0]!, 'trips-002.parquet');
    const later = new Date(statSync(source).mtimeMs + 60_000);
    utimesSync(source, later, later);
    const touched = replay();
    expect(touched.recomputed.map((r) => r.taskId).sort()).toEqual(['by-zone-hour', 'clean-2', 'enriched', 'joined', 'read-2', 'top', 'trips']);
    expect(touched.recomputed.find((r) => r.taskId === 'read-2')?.reason).toBe('source data changed');
  });

  it('a task of an op declared deterministic: false, and its descendants, always re-run', () => {
    const api = join(process.cwd(), 'dist/src/api/index.js');
    const zod = join(process.cwd(), 'node_modules/zod/index.js');
    const ops = file(
      'noisy.mjs',
      `import { defineOp } from '${api}';\nimport { z } from '${zod}';\nexport default defineOp({ name: 'demo.noisy', description: 'adds noise', deterministic: false, args: z.object({}).strict(), arity: { min: 1, max: 1 }, outputs: 1,\n  run: ([m]) => [{ kind: 'matrix', rows: m.rows, cols: m.cols, data: m.data.map((x) => x + Math.random()) }] });\n`,
    );
    const dag = file(
      'noisy.json',
      JSON.stringify({
        name: 'noisy',
        tasks: [
          { id: 'src', op: 'matrix.fill', args: { rows: 2, cols: 2, value: 3 } },
          { id: 'noise', op: 'demo.noisy', deps: ['src'] },
          { id: 'after', op: 'matrix.add', deps: ['noise', 'src'] },
        ],
      }),
    );
    const cache = join(dir, 'noisy-cache');
    submit(dag, cache, join(dir, 'n1'), ['--ops', ops]);
    const second = submit(dag, cache, join(dir, 'n2'), ['--ops', ops]);
    expect(second.cache?.recomputed).toEqual([
      { taskId: 'after', reason: 'input noise is not cached (not deterministic)' },
      { taskId: 'noise', reason: 'op demo.noisy is not deterministic' },
    ]);
    // src is a hit that feeds both: only the two re-run.
    expect(second.tasks).toBe(2);
    expect(second.cache?.hits).toBe(1);
  });
});

/** Replays gemm small with the cache at `location`; the last run's summary. */
function replayWithCache(location: string, env: NodeJS.ProcessEnv = {}): CacheSummaryJson {
  const run = wukong(['replay', 'gemm', '--size', 'small', '--workers', '2', '--no-metadata', '--json', '--cache', location], env);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const summary = JSON.parse(run.stdout) as { ok: boolean; verification: { ok: boolean }; lastRun: { cache: CacheSummaryJson } };
  // The replay verifies the outputs numerically (Freivalds and a one-piece product).
  expect(summary.verification.ok).toBe(true);
  return summary.lastRun.cache;
}

/** First run fills the cache; every entry is then cut short; the second run must detect and recompute them all; the third hits again. */
async function truncatedEntriesAreRecomputed(location: string, truncateAll: () => Promise<number>, env: NodeJS.ProcessEnv = {}): Promise<void> {
  expect(replayWithCache(location, env)).toMatchObject({ hits: 0, written: 20 });
  expect(await truncateAll()).toBe(20);
  const second = replayWithCache(location, env);
  // From the outputs up: each truncated entry is found unusable, removed, and its task re-run.
  expect(second).toMatchObject({ hits: 0, corrupt: 20, written: 20 });
  expect(second.recomputed).toHaveLength(20);
  expect(second.recomputed.every((r) => /^cache entry unusable \(truncated: \d+ of \d+ bytes\)$/.test(r.reason))).toBe(true);
  expect(replayWithCache(location, env)).toMatchObject({ hits: 4, recomputed: [], corrupt: 0 });
}

describe('truncated cache entries are detected and recomputed (e2e)', () => {
  let redis: RedisServerHandle;
  let s3: S3rverHandle;
  beforeAll(async () => {
    [redis, s3] = await Promise.all([startRedisServer(), startS3rver('wk-cache')]);
  });
  afterAll(async () => {
    await Promise.all([redis?.stop(), s3?.stop()]);
  });

  it('in a directory', async () => {
    const location = join(dir, 'truncated-dir');
    await truncatedEntriesAreRecomputed(location, async () => {
      const entries = readdirSync(join(location, 'e'));
      for (const name of entries) truncateSync(join(location, 'e', name), Math.floor(statSync(join(location, 'e', name)).size / 2));
      return entries.length;
    });
  });

  it('in Redis', async () => {
    await truncatedEntriesAreRecomputed(redis.url, async () => {
      const client = new Redis(redis.url);
      try {
        const keys = await client.keys('wkcache:e/*');
        for (const key of keys) {
          const bytes = (await client.getBuffer(key))!;
          await client.set(key, bytes.subarray(0, bytes.byteLength - 100));
        }
        return keys.length;
      } finally {
        client.disconnect();
      }
    });
  });

  it('in S3', async () => {
    const env = { AWS_ENDPOINT_URL_S3: s3.endpoint, AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey, AWS_REGION: 'us-east-1' };
    await truncatedEntriesAreRecomputed(
      `s3://${s3.bucket}/results`,
      async () => {
        const client = new S3Client({ endpoint: s3.endpoint, forcePathStyle: true, region: 'us-east-1', credentials: s3.credentials });
        try {
          const listed = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: 'results/e/' }));
          for (const object of listed.Contents ?? []) {
            const body = await (await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: object.Key }))).Body!.transformToByteArray();
            await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: object.Key, Body: body.subarray(0, body.byteLength - 100) }));
          }
          return listed.Contents?.length ?? 0;
        } finally {
          client.destroy();
        }
      },
      env,
    );
  });
});
