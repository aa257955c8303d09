import { Command } from 'commander';
import { DEFAULT_PLAN_TIMEOUT_MS } from '../../../src/model/limits.js';
import { describe, expect, it } from 'vitest';
import { withOptionGroup } from '../../../src/cli/option-group.js';
import { OUTPUT_OPTION_GROUP, type OutputFlags } from '../../../src/cli/output-flags.js';
import { PLANNER_OPTION_GROUP, type PlannerFlags } from '../../../src/cli/planner-flags.js';
import { STORE_OPTION_GROUP, type StoreFlags } from '../../../src/cli/store-flags.js';
import { WUKONG_OPTION_GROUP, type WukongFlags } from '../../../src/cli/wukong-flags.js';
import { BadInputError } from '../../../src/model/errors.js';
import { PlannerOptionsSchema } from '../../../src/plan/planner-options.js';
import { DEFAULT_TIERS } from '../../../src/plan/tiers.js';

type AllFlags = PlannerFlags & WukongFlags & StoreFlags & OutputFlags;

/** Parses `argv` with a command that takes every option group, as `submit` does. */
function parse(argv: string[]): AllFlags {
  const command = new Command('run').exitOverride();
  withOptionGroup(command, PLANNER_OPTION_GROUP);
  withOptionGroup(command, WUKONG_OPTION_GROUP);
  withOptionGroup(command, STORE_OPTION_GROUP);
  withOptionGroup(command, OUTPUT_OPTION_GROUP);
  command.parse(argv, { from: 'user' });
  return command.opts<AllFlags>();
}

describe('option groups (declared once, parsed by their schema)', () => {
  it('give every group its defaults when no flag is set', () => {
    const flags = parse([]);
    expect(PLANNER_OPTION_GROUP.fromFlags(flags)).toEqual({ planner: 'wukong', sla: 'median', tiers: [...DEFAULT_TIERS], timeoutMs: DEFAULT_PLAN_TIMEOUT_MS });
    expect(PLANNER_OPTION_GROUP.fromFlags(flags)).toEqual(PlannerOptionsSchema.parse({}));
    expect(STORE_OPTION_GROUP.fromFlags(flags)).toMatchObject({ coordinator: { kind: 'memory' }, intermediate: { kind: 'memory' } });
    expect(OUTPUT_OPTION_GROUP.fromFlags(flags)).toEqual({ json: false });
    expect(WUKONG_OPTION_GROUP.fromFlags(flags)).toMatchObject({ fanOutClustering: true, fanInClustering: true, delayedIo: true });
  });

  it('turn flags into the options the planner, the stores and the outputs take', () => {
    const flags = parse(['--planner', 'heft', '--sla', 'p90', '--tiers', '3008,1024', '--max-workers', '8', '--plan-timeout', '90s', '--redis', 'redis://h:1', '--report', 'r.json', '--json']);
    expect(PLANNER_OPTION_GROUP.fromFlags(flags)).toEqual({ planner: 'heft', sla: { percentile: 90 }, tiers: [1024, 3008], maxWorkers: 8, timeoutMs: 90_000 });
    expect(STORE_OPTION_GROUP.fromFlags(flags)).toMatchObject({ coordinator: { kind: 'redis', url: 'redis://h:1' }, intermediate: { kind: 'redis', url: 'redis://h:1' } });
    expect(OUTPUT_OPTION_GROUP.fromFlags(flags)).toEqual({ report: 'r.json', json: true });
  });

  it('name the flag when a value is bad (BadInputError: exit 2)', () => {
    expect(() => PLANNER_OPTION_GROUP.fromFlags(parse(['--max-workers', '0']))).toThrow(/--max-workers must be at least 1/);
    expect(() => PLANNER_OPTION_GROUP.fromFlags(parse(['--tiers', '64']))).toThrow(BadInputError);
    expect(() => PLANNER_OPTION_GROUP.fromFlags(parse(['--planner', '  ']))).toThrow(/^--planner: /);
    expect(() => STORE_OPTION_GROUP.fromFlags(parse(['--s3-bucket', 'Bad_Bucket']))).toThrow(/--s3-bucket "Bad_Bucket"/);
  });

  it('let one command word a flag and change its default, but not invent a flag', () => {
    const command = new Command('plan');
    withOptionGroup(command, PLANNER_OPTION_GROUP, { planner: { description: 'planning algorithm', defaultValue: 'uniform' } });
    const planner = command.options.find((o) => o.long === '--planner');
    expect(planner?.description).toBe('planning algorithm');
    expect(planner?.defaultValue).toBe('uniform');
    expect(command.options.map((o) => o.long)).toEqual(['--planner', '--sla', '--tiers', '--max-workers', '--plan-timeout']);
    expect(() => withOptionGroup(new Command('x'), PLANNER_OPTION_GROUP, { nope: {} } as never)).toThrow(/no flag nope/);
  });
});
