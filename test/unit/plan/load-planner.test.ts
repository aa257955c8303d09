import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../../src/model/errors.js';
import { BUILTIN_PLANNERS } from '../../../src/plan/builtin-planners.js';
import { loadPlanner } from '../../../src/plan/load-planner.js';
import { planDag } from '../../../src/plan/plan-dag.js';
import type { PlanningAlgorithm } from '../../../src/plan/planning-algorithm.js';
import { PlanValidationError } from '../../../src/plan/validate-plan.js';
import { dagOf, hintsOnly, TIERS, work } from './plan-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'wk-planner-'));
function file(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return `./${name}`;
}
const load = (spec: string) => loadPlanner(spec, { cwd: dir });

describe('loadPlanner', () => {
  it('finds built-ins by name, and wukong as "no plan"', async () => {
    expect(await load('wukong')).toEqual({ kind: 'wukong' });
    for (const name of ['uniform', 'nonuniform', 'heft']) {
      const loaded = await load(name);
      expect(loaded.kind === 'algorithm' && loaded.algorithm).toBe(BUILTIN_PLANNERS[name]);
    }
  });

  it('refuses an unknown name, and a bare file name (only explicit paths load code)', async () => {
    await expect(load('fastest')).rejects.toThrow(/unknown planner "fastest": built-in planners are wukong, uniform, nonuniform, heft, random$/);
    file('mine.js', 'export default { name: "m", plan() { return { tasks: {}, workers: {} }; } };');
    await expect(load('mine.js')).rejects.toThrow(/give a path: \.\/mine\.js/);
  });

  it('loads a .js and a .ts default export by path', async () => {
    const js = await load(file('ok.mjs', 'export default { name: "ok-js", plan() { return { tasks: {}, workers: {} }; } };'));
    expect(js.kind === 'algorithm' && js.algorithm.name).toBe('ok-js');
    const ts = await load(file('ok.ts', 'const workers: Record<string, { memoryMb: number; vcpu: number }> = {};\nexport default { name: "ok-ts" as string, plan(): unknown { return { tasks: {}, workers }; } };'));
    expect(ts.kind === 'algorithm' && ts.algorithm.name).toBe('ok-ts');
    // The transpiled temporary file is gone.
    expect(readdirSync(dir).filter((name) => name.includes('wukong-'))).toEqual([]);
  });

  it('names what is wrong with a module: missing, not a module kind, no default, no plan, throws on import, does not compile', async () => {
    await expect(load('./missing.js')).rejects.toThrow(/planner \.\/missing\.js: no such file/);
    await expect(load(file('notes.txt', 'hi'))).rejects.toThrow(/must end in \.js, \.mjs, \.ts or \.mts/);
    await expect(load(file('nodefault.mjs', 'export const name = "x";'))).rejects.toThrow(/has no default export/);
    await expect(load(file('noplan.mjs', 'export default { name: "x" };'))).rejects.toThrow(/has no "plan" function/);
    await expect(load(file('noname.mjs', 'export default { plan() {} };'))).rejects.toThrow(/has no "name" string/);
    await expect(load(file('throws.mjs', 'throw new Error("boom at import");'))).rejects.toThrow(/failed to load: boom at import/);
    await expect(load(file('broken.ts', 'export default { name: "x", plan( { ;'))).rejects.toThrow(/does not compile/);
    await expect(load('./missing.js')).rejects.toBeInstanceOf(BadInputError);
  });
});

describe('planDag with a bad planner', () => {
  const dag = dagOf([work('a', 10), work('b', 10, ['a'])]);
  const options = { metadata: hintsOnly(dag), sla: 'median' as const, tiers: TIERS };
  const planner = (plan: () => unknown): PlanningAlgorithm => ({ name: 'bad', plan: plan as PlanningAlgorithm['plan'] });

  it('reports a planner that throws, returns garbage, or returns an invalid plan (exit 2 errors)', async () => {
    await expect(planDag(dag, planner(() => { throw new Error('no idea'); }), options)).rejects.toThrow(/planner bad threw: no idea/);
    await expect(planDag(dag, planner(() => 42), options)).rejects.toThrow(/returned a number, not \{ tasks, workers \}/);
    await expect(planDag(dag, planner(() => ({ tasks: { a: { worker: -1 } }, workers: {} })), options)).rejects.toThrow(/tasks\.a\.worker/);
    const invalid = planDag(dag, planner(() => ({ tasks: { a: { worker: 0 } }, workers: { '0': { memoryMb: 1769, vcpu: 1 } } })), options);
    await expect(invalid).rejects.toBeInstanceOf(PlanValidationError);
    await expect(invalid).rejects.toThrow(/task b has no annotation/);
  });

  it('fills defaults, attaches the shared estimate and keeps the planner\'s extra figures', async () => {
    const annotated = await planDag(dag, planner(() => ({ tasks: { a: { worker: 3 }, b: { worker: 3 } }, workers: { '3': { memoryMb: 1024, vcpu: 0.579 } }, predicted: { makespanMs: 1, costUsd: 1, myFigure: 7 } })), options);
    expect(annotated.plan.tasks.a).toEqual({ worker: 3, preload: false, prewarm: [], dup: false });
    expect(annotated.plan.algorithm).toBe('bad');
    expect(annotated.plan.sla).toBe('median');
    expect(annotated.plan.predicted?.myFigure).toBe(7);
    expect(annotated.plan.predicted?.makespanMs).toBeGreaterThan(250); // at least a cold start, not the planner's 1
  });
});
