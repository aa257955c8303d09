import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServerHandle } from '../helpers/redis-server.js';
import { runWukong } from '../helpers/wukong-cli.js';

const wukong = (args: string[], cwd?: string) => runWukong(args, { cwd });

function writeJson(dir: string, name: string, value: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(value));
  return file;
}

describe('hostile input at the CLI (e2e)', () => {
  it('a task id that climbs out of --out is refused at validation: exit 2, the id named, nothing written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wukong-hostile-'));
    mkdirSync(join(dir, 'a', 'b'), { recursive: true });
    const dag = writeJson(dir, 'dag.json', { tasks: [{ id: '../../esc', op: 'synthetic.work', args: { ms: 0 } }] });
    const run = wukong(['submit', dag, '--output-dir', join(dir, 'a', 'b', 'out')], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('task id "../../esc"');
    expect(existsSync(join(dir, 'a', 'esc.arrow'))).toBe(false);
    expect(readdirSync(join(dir, 'a'))).toEqual(['b']);
  });

  it.each([['wukong'], ['uniform'], ['heft']])('__proto__ as a task id runs on the embedded backend, planner %s, and its output is written', (planner) => {
    const dir = mkdtempSync(join(tmpdir(), 'wukong-proto-'));
    const work = (id: string, deps?: string[]) => ({ id, op: 'synthetic.work', args: { ms: 1, outputBytes: 16 }, ...(deps ? { deps } : {}) });
    const dag = writeJson(dir, 'dag.json', { tasks: [work('__proto__'), work('constructor', ['__proto__']), work('sink', ['__proto__', 'constructor'])], outputs: ['__proto__', 'sink'] });
    const run = wukong(['submit', dag, '--planner', planner, '--output-dir', join(dir, 'out'), '--workers', '2'], dir);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(readdirSync(join(dir, 'out')).sort()).toEqual(['__proto__.arrow', 'sink.arrow']);
  });
});

describe('what the CLI tells about input it accepts (e2e)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wukong-hostile-9-'));
  const tiny = { name: 'tiny', tasks: [{ id: 'a', op: 'synthetic.work', args: { ms: 0 } }, { id: 'b', op: 'synthetic.work', args: { ms: 0 }, deps: ['a'] }] };
  let redis: RedisServerHandle;
  beforeAll(async () => {
    redis = await startRedisServer(['--requirepass', 'secret']);
  });
  afterAll(async () => {
    await redis.stop();
  });

  it('validate accepts an annotated DAG that submit accepts, and names its plan', () => {
    writeJson(dir, 'tiny.json', tiny);
    expect(wukong(['plan', 'tiny.json', '--planner', 'uniform', '-o', 'tiny.annotated.json', '--metadata', 'md'], dir).code).toBe(0);
    const run = wukong(['validate', 'tiny.annotated.json'], dir);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('ok: tiny: 2 tasks, 1 edges, 1 sources, 1 sinks, depth 2; plan by uniform, 1 workers\n');
    expect(wukong(['submit', 'tiny.annotated.json', '--no-metadata'], dir).code).toBe(0);
  });

  it('validate refuses an annotated DAG whose plan misses a task, like submit', () => {
    const annotated = JSON.parse(readFileSync(join(dir, 'tiny.annotated.json'), 'utf8')) as { plan: { tasks: Record<string, unknown> } };
    delete annotated.plan.tasks.b;
    writeJson(dir, 'broken.annotated.json', annotated);
    const run = wukong(['validate', 'broken.annotated.json'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('task b');
  });

  it('control characters in a DAG name are escaped when printed', () => {
    writeJson(dir, 'evil.json', { ...tiny, name: 'evil\u001b[2J\u0007\nname' });
    for (const args of [['validate', 'evil.json'], ['submit', 'evil.json', '--no-metadata'], ['plan', 'evil.json', '--metadata', 'md']]) {
      const run = wukong(args, dir);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('evil\\u001b[2J\\u0007\\u000aname');
      expect([...run.stdout].some((char) => char === '\u001b' || char === '\u0007')).toBe(false);
    }
  });

  it('outputs: [] is refused at validation', () => {
    writeJson(dir, 'no-outputs.json', { ...tiny, outputs: [] });
    const run = wukong(['validate', 'no-outputs.json'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('outputs must name at least one task');
  });

  it('a metadata location that cannot be written is a warning naming it, and the run still succeeds', () => {
    writeJson(dir, 'tiny.json', tiny);
    writeFileSync(join(dir, 'a-file'), 'not a directory');
    const run = wukong(['submit', 'tiny.json', '--metadata', join(dir, 'a-file')], dir);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`wukong: warning: metadata will not be recorded: ${join(dir, 'a-file')}`);
  });

  it('a Redis metadata URL with a wrong password is a warning naming Redis; the right one records silently', () => {
    writeJson(dir, 'tiny.json', tiny);
    const wrong = wukong(['submit', 'tiny.json', '--metadata', `redis://:wrong@127.0.0.1:${redis.port}/`], dir);
    expect(wrong.code).toBe(0);
    expect(wrong.stderr).toMatch(/wukong: warning: metadata will not be recorded: redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/: .*WRONGPASS/);
    expect(wrong.stderr).not.toContain('wrong@');
    const right = wukong(['submit', 'tiny.json', '--metadata', `redis://:secret@127.0.0.1:${redis.port}/`], dir);
    expect(right.code).toBe(0);
    expect(right.stderr).toBe('');
    const summary = wukong(['metadata', 'stats', '--metadata', `redis://:secret@127.0.0.1:${redis.port}/`, '--json'], dir);
    expect(summary.stdout).toContain('synthetic.work');
  });
});
