import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDagText, validateDag } from '../../src/dag/validate.js';
import { MAX_TASKS_PER_DAG } from '../../src/model/limits.js';
import { createBuiltinRegistry } from '../../src/ops/builtins.js';
import { AnnotatedDagSchema } from '../../src/model/annotated-dag.js';
import { DEFAULT_TIERS } from '../../src/plan/tiers.js';
import { findPlanProblems, PlanValidationError, validatePlan } from '../../src/plan/validate-plan.js';
import { startRedisServer, type RedisServerHandle } from '../helpers/redis-server.js';

/**
 * Malformed DAG input, generated: wrong types, cycles, dangling deps, huge ids, deep nesting,
 * invalid UTF-8, truncated JSON, unknown ops, and (once) more tasks than MAX_TASKS_PER_DAG. Every
 * case must exit 2 from `wukong validate` and `wukong submit` with a clear message and no stack
 * trace, and write nothing: no report, no outputs, no metadata, no Redis key. The in-process
 * validator gets many more cases than the CLI (each CLI case is a process start).
 */

/** A generated input file: its bytes and the kind of damage, for messages. */
interface BadInput {
  readonly kind: string;
  readonly bytes: Buffer;
}

const task = (id: string, deps?: string[]) => ({ id, op: 'synthetic.work', args: { ms: 0 }, ...(deps ? { deps } : {}) });
const text = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
const idArb = fc.stringMatching(/^[a-z][a-z0-9-]{0,11}$/);

const wrongTypes = fc
  .oneof(
    fc.jsonValue().filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)),
    fc.record({ tasks: fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.dictionary(fc.string(), fc.integer())) }),
    fc.record({
      tasks: fc.array(
        fc.record({ id: fc.oneof(fc.integer(), fc.constant(null), fc.array(fc.string())), op: fc.oneof(fc.integer(), fc.boolean()), deps: fc.oneof(fc.string(), fc.integer()) }),
        { minLength: 1, maxLength: 5 },
      ),
    }),
    idArb.map((id) => ({ tasks: [{ ...task(id), args: { ms: 'slow' } }] })),
    idArb.map((id) => ({ tasks: [{ ...task(id), surprise: true }] })),
  )
  .map((value): BadInput => ({ kind: 'wrong types', bytes: text(value) }));

const cycles = fc.uniqueArray(idArb, { minLength: 1, maxLength: 30 }).map((ids): BadInput => {
  // A chain ids[0] <- ids[1] <- ... plus the back edge ids[0] -> last; one id: a self-dependency.
  const tasks = ids.map((id, i) => task(id, [ids[(i + ids.length - 1) % ids.length] as string]));
  return { kind: 'cycle', bytes: text({ name: 'cycle', tasks }) };
});

const danglingDeps = fc.tuple(fc.uniqueArray(idArb, { minLength: 1, maxLength: 10 }), fc.string({ minLength: 1, maxLength: 20 })).map(([ids, ghost]): BadInput => {
  const missing = `ghost-${ghost}`;
  const tasks = ids.map((id, i) => task(id, i === ids.length - 1 ? [missing] : undefined));
  return { kind: 'dangling dep', bytes: text({ tasks }) };
});

const hugeIds = fc.integer({ min: 10_000, max: 300_000 }).map((length): BadInput => {
  const id = 'x'.repeat(length);
  return { kind: 'huge id', bytes: text({ tasks: [task(id), task('y', [id, 'missing'])] }) };
});

const deepNesting = fc.integer({ min: 1_000, max: 100_000 }).map((depth): BadInput => ({
  kind: 'deep nesting',
  bytes: Buffer.from(`{"tasks":[{"id":"a","op":"synthetic.work","args":{"ms":${'['.repeat(depth)}${']'.repeat(depth)}}}]}`),
}));

const invalidUtf8 = fc.tuple(fc.nat(), fc.constantFrom([0xff], [0xfe, 0xff], [0xc3], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80])).map(([at, bad]): BadInput => {
  const valid = text({ name: 'diamond', tasks: [task('a'), task('b', ['a'])] });
  const cut = at % (valid.length + 1);
  return { kind: 'invalid UTF-8', bytes: Buffer.concat([valid.subarray(0, cut), Buffer.from(bad), valid.subarray(cut)]) };
});

const truncated = fc.tuple(fc.uniqueArray(idArb, { minLength: 1, maxLength: 8 }), fc.nat()).map(([ids, at]): BadInput => {
  const whole = text({ tasks: ids.map((id, i) => task(id, i > 0 ? [ids[0] as string] : undefined)) });
  return { kind: 'truncated JSON', bytes: whole.subarray(0, at % whole.length) };
});

const unknownOps = fc.tuple(idArb, fc.stringMatching(/^[a-z]{1,8}\.[a-z]{1,8}$/)).map(([id, op]): BadInput => ({ kind: 'unknown op', bytes: text({ tasks: [{ id, op: `nope.${op}` }] }) }));

const badInput: fc.Arbitrary<BadInput> = fc.oneof(wrongTypes, cycles, danglingDeps, hugeIds, deepNesting, invalidUtf8, truncated, unknownOps);

/** The validator as the CLI runs it: strict UTF-8, JSON, schema and graph checks. */
function validateBytes(bytes: Buffer): { ok: boolean; problems: readonly { message: string }[] } {
  let decoded: string;
  try {
    decoded = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, problems: [{ message: 'not UTF-8' }] };
  }
  const parsed = parseDagText(decoded);
  if (!parsed.ok) return parsed;
  const result = validateDag(parsed.value, createBuiltinRegistry());
  return result.ok ? { ok: true, problems: [] } : result;
}

/**
 * Annotated DAGs (a valid diamond and a valid plan for it) with one damage each: plans naming
 * unknown workers, tiers that do not exist, vcpu that does not match the memory, unknown tasks,
 * pre-warms of unknown workers, unplanned tasks, or wrong types. In process only: the CLI's
 * annotated-DAG path belongs to `wukong plan`, which another change is adding.
 */
const diamond = {
  name: 'diamond',
  tasks: [task('a'), task('b', ['a']), task('c', ['a']), task('d', ['b', 'c'])],
};
const validPlan = () => ({
  algorithm: 'uniform',
  sla: 'p90',
  tasks: { a: { worker: 1 }, b: { worker: 1 }, c: { worker: 2 }, d: { worker: 1 } } as Record<string, Record<string, unknown>>,
  workers: { '1': { memoryMb: 1769, vcpu: 1 }, '2': { memoryMb: 1769, vcpu: 1 } } as Record<string, Record<string, unknown>>,
});
const badPlan = fc.oneof(
  fc.integer({ min: 3, max: 9_999_999 }).map((worker) => ({ kind: 'unknown worker', plan: { ...validPlan(), tasks: { ...validPlan().tasks, d: { worker } } } })),
  fc.integer({ min: 128, max: 10_240 }).filter((mb) => !DEFAULT_TIERS.includes(mb)).map((memoryMb) => {
    const plan = validPlan();
    plan.workers['2'] = { memoryMb, vcpu: Math.min(6, memoryMb / 1769) };
    return { kind: 'unknown tier', plan };
  }),
  fc.double({ min: 0.01, max: 6, noNaN: true }).filter((vcpu) => Math.abs(vcpu - 1) > 0.01).map((vcpu) => {
    const plan = validPlan();
    plan.workers['1'] = { memoryMb: 1769, vcpu };
    return { kind: 'vcpu mismatch', plan };
  }),
  idArb.filter((id) => !['a', 'b', 'c', 'd'].includes(id)).map((id) => ({ kind: 'unknown task', plan: { ...validPlan(), tasks: { ...validPlan().tasks, [id]: { worker: 1 } } } })),
  fc.integer({ min: 3, max: 9_999_999 }).map((target) => ({ kind: 'unknown prewarm', plan: { ...validPlan(), tasks: { ...validPlan().tasks, a: { worker: 1, prewarm: [target] } } } })),
  fc.constantFrom('a', 'b', 'c', 'd').map((id) => {
    const plan = validPlan();
    delete plan.tasks[id];
    return { kind: 'unplanned task', plan };
  }),
  fc.oneof(fc.string(), fc.integer({ min: -5, max: -1 }), fc.constant(null), fc.double({ noInteger: true })).map((worker) => ({
    kind: 'wrong types',
    plan: { ...validPlan(), tasks: { ...validPlan().tasks, b: { worker } } },
  })),
);

interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The built CLI in a child process (async, so several run at once). */
function wukong(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(process.cwd(), 'bin/wukong.js'), ...args], { env: { ...process.env, WUKONG_DEBUG: '', ...env }, timeout: 90_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
    child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function inBatches<T, R>(items: readonly T[], size: number, each: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += size) results.push(...(await Promise.all(items.slice(i, i + size).map((item, j) => each(item, i + j)))));
  return results;
}

const STACK_LINE = /^ {4}at /m;
/** Bounded for CI: each CLI case starts a process (about a second on a loaded machine). */
const CLI_CASES = 16;
/** Generous: on a loaded 2-core machine each process start takes 1-4 s. */
const CLI_TEST_TIMEOUT_MS = 300_000;
const IN_PROCESS_RUNS = 1_000;
const SEED = 20_261_123;

/** A clear failure: exit 2, first stderr line `wukong: ...` naming the problem, no stack trace, nothing on stdout. */
function expectCleanRejection(result: CliResult, input: BadInput): void {
  const where = `${input.kind} (${input.bytes.length} bytes): ${result.stderr.slice(0, 300)}`;
  expect(result.code, where).toBe(2);
  expect(result.stderr, where).toMatch(/^wukong: \S/);
  expect(result.stderr, where).not.toMatch(STACK_LINE);
  expect(result.stderr, where).not.toMatch(/unexpected error/);
  expect(result.stdout, where).toBe('');
}

describe('malformed DAG input (fuzz)', () => {
  let redis: RedisServerHandle;
  let raw: Redis;
  beforeAll(async () => {
    redis = await startRedisServer();
    raw = new Redis(redis.url);
  });
  afterAll(async () => {
    await raw?.quit();
    await redis?.stop();
  });

  it(`the validator rejects every generated bad input without throwing (${IN_PROCESS_RUNS} cases)`, () => {
    const kinds = new Map<string, number>();
    fc.assert(
      fc.property(badInput, (input) => {
        kinds.set(input.kind, (kinds.get(input.kind) ?? 0) + 1);
        const result = validateBytes(input.bytes);
        expect(result.ok).toBe(false);
        expect(result.problems.length).toBeGreaterThan(0);
        for (const problem of result.problems) expect(problem.message.length).toBeGreaterThan(0);
      }),
      { numRuns: IN_PROCESS_RUNS, seed: SEED },
    );
    console.log(`[fuzz-input] in-process cases by kind: ${JSON.stringify(Object.fromEntries(kinds))}`);
    expect(kinds.size).toBe(8);
  });

  it('annotated DAGs with bad plans are refused by the schema or validatePlan, naming the problem (500 cases)', () => {
    const checked = validateDag(diamond, createBuiltinRegistry());
    if (!checked.ok) throw new Error('the diamond fixture must be valid');
    expect(findPlanProblems(checked.dag, validPlan() as never, { tiers: DEFAULT_TIERS })).toEqual([]);
    const kinds = new Map<string, number>();
    fc.assert(
      fc.property(badPlan, ({ kind, plan }) => {
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
        const parsed = AnnotatedDagSchema.safeParse({ dag: diamond, plan });
        if (!parsed.success) {
          expect(parsed.error.issues.length).toBeGreaterThan(0);
          return;
        }
        let thrown: unknown;
        try {
          validatePlan(checked.dag, parsed.data.plan, { tiers: DEFAULT_TIERS, source: 'fuzz' });
        } catch (error) {
          thrown = error;
        }
        expect(thrown, kind).toBeInstanceOf(PlanValidationError);
        expect((thrown as Error).message).toMatch(/^invalid plan from fuzz: \d+ problem/);
      }),
      { numRuns: 500, seed: SEED },
    );
    console.log(`[fuzz-input] annotated-DAG cases by kind: ${JSON.stringify(Object.fromEntries(kinds))}`);
    expect(kinds.size).toBe(7);
  });

  it(`wukong validate and submit exit 2 with a clear message and write nothing (${CLI_CASES} generated files)`, async () => {
    // Prepare: generated files; submit gets a report path, an output dir, a metadata dir and Redis.
    const dir = mkdtempSync(join(tmpdir(), 'wk-fuzz-'));
    const inputs = fc.sample(badInput, { numRuns: CLI_CASES, seed: SEED });
    const files = inputs.map((input, i) => {
      const file = join(dir, `case-${i}.json`);
      writeFileSync(file, input.bytes);
      return file;
    });
    const metadataDir = join(dir, 'metadata');
    // Act: validate for every case, submit for every other one (each a process start).
    const results = await inBatches(inputs, 4, async (input, i) => {
      const file = files[i] as string;
      const validate = await wukong(['validate', file], {});
      const submit =
        i % 2 === 0
          ? await wukong(['submit', file, '--redis', redis.url, '--report', join(dir, `report-${i}.json`), '--output-dir', join(dir, `out-${i}`), '--metadata', metadataDir], {})
          : undefined;
      return { input, validate, submit };
    });
    // Assess
    for (const { input, validate, submit } of results) {
      expectCleanRejection(validate, input);
      if (submit) expectCleanRejection(submit, input);
    }
    expect(readdirSync(dir).filter((name) => !name.startsWith('case-'))).toEqual([]);
    expect(existsSync(metadataDir)).toBe(false);
    expect(await raw.dbsize()).toBe(0);
    const kinds = [...new Set(inputs.map((input) => input.kind))];
    console.log(`[fuzz-input] CLI: ${results.length} validate + ${results.filter((r) => r.submit).length} submit runs, kinds: ${kinds.join(', ')}`);
    expect(kinds.length).toBeGreaterThanOrEqual(5);
  }, CLI_TEST_TIMEOUT_MS);

  it(`a DAG of MAX_TASKS_PER_DAG + 1 tasks is refused with exit 2 (validate and submit)`, async () => {
    // Prepare: a generated file of 1,000,001 tiny tasks (~30 MB).
    const dir = mkdtempSync(join(tmpdir(), 'wk-fuzz-huge-'));
    const file = join(dir, 'huge.json');
    const parts = ['{"tasks":['];
    for (let i = 0; i <= MAX_TASKS_PER_DAG; i += 1) parts.push(`${i === 0 ? '' : ','}{"id":"t${i}","op":"synthetic.work"}`);
    parts.push(']}');
    writeFileSync(file, parts.join(''));
    const input: BadInput = { kind: 'too many tasks', bytes: Buffer.alloc(0) };
    // Act
    const [validate, submit] = await Promise.all([
      wukong(['validate', file], {}),
      wukong(['submit', file, '--redis', redis.url, '--report', join(dir, 'report.json'), '--metadata', join(dir, 'metadata')], {}),
    ]);
    // Assess
    for (const result of [validate, submit]) {
      expectCleanRejection(result, input);
      expect(result.stderr).toMatch(new RegExp(`the DAG has ${MAX_TASKS_PER_DAG + 1} tasks; the limit is ${MAX_TASKS_PER_DAG}`));
    }
    expect(readdirSync(dir)).toEqual(['huge.json']);
    expect(await raw.dbsize()).toBe(0);
  }, CLI_TEST_TIMEOUT_MS);
});
