import { describe, expect, it } from 'vitest';
import { scheduleRank, staticSchedule } from '../../../src/scheduler/static-schedule.js';
import { FanInStateError, FanInTable } from '../../../src/sim/fan-in-table.js';
import { ScheduleRanks } from '../../../src/sim/schedule-ranks.js';
import { graphOf } from '../../helpers/interleaved-run.js';

describe('FanInTable (FanInMark semantics of src/storage/coordinator.ts)', () => {
  it('completes for exactly the parent whose mark made the set complete; repeats are idempotent', () => {
    const table = new FanInTable();
    expect(table.mark('c', 'a', 3)).toEqual({ complete: false, marked: 1, duplicate: false });
    expect(table.mark('c', 'a', 3)).toEqual({ complete: false, marked: 1, duplicate: true });
    expect(table.members('c')).toEqual(['a']);
    expect(table.mark('c', 'b', 3)).toEqual({ complete: false, marked: 2, duplicate: false });
    expect(table.mark('c', 'd', 3)).toEqual({ complete: true, marked: 3, duplicate: false });
    // A retried completer sees true again; any other parent sees false.
    expect(table.mark('c', 'd', 3)).toEqual({ complete: true, marked: 3, duplicate: true });
    expect(table.mark('c', 'a', 3)).toEqual({ complete: false, marked: 3, duplicate: true });
    expect(table.completions).toBe(1);
    expect(table.members('unknown')).toEqual([]);
    expect(() => table.members('c')).toThrow(FanInStateError);
  });
});

describe('ScheduleRanks', () => {
  const parents = { s1: [], s2: [], a: ['s1'], b: ['s1', 's2'], c: ['a', 'b'], d: ['s2'], e: ['c', 'd'] };
  const graph = graphOf(parents);

  it('ranks by the exact static schedule of the source, computed on first use', () => {
    const ranks = new ScheduleRanks(graph, graph.sources, graph.tasks.length);
    const rank = ranks.rankFor('s1');
    expect(ranks.stats.exact).toBe(0);
    const expected = scheduleRank(staticSchedule(graph, 's1'));
    for (const id of graph.tasks) expect(rank(id)).toBe(expected(id));
    expect(ranks.stats.exact).toBe(1);
  });

  it('falls back to the global schedule when a source reaches more tasks than the cap', () => {
    // Cap 1 with 7 tasks / 2 sources: per-source cap max(1, ceil(4 * 7 / 2)) = 14, so force work out.
    const ranks = new ScheduleRanks(graph, graph.sources, 0, 1);
    const rank = ranks.rankFor('s2');
    const global = staticSchedule({ ...graph, children: (id) => (id === 'root' ? graph.sources : graph.children(id)) }, 'root').slice(1);
    const position = (id: string) => global.indexOf(id) + 1;
    for (const id of graph.tasks) expect(rank(id)).toBe(position(id));
    expect(ranks.stats.fallback).toBe(1);
  });
});
