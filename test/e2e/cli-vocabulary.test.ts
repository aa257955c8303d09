import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';

interface FlagUse {
  readonly command: string;
  readonly long: string;
  readonly short: string | undefined;
  /** `<file>`, `<dir>`, `<url-or-dir>`, or '' for a switch: what the value means. */
  readonly value: string;
}

function visibleFlags(command: Command, prefix = ''): FlagUse[] {
  return command.commands.flatMap((sub) => {
    const name = `${prefix}${sub.name()}`;
    const own = sub.options
      .filter((option) => !option.hidden && option.long !== undefined)
      .map((option) => ({ command: name, long: option.long as string, short: option.short, value: /<[^>]+>|\[[^\]]+\]/.exec(option.flags)?.[0] ?? '' }));
    return [...own, ...visibleFlags(sub, `${name} `)];
  });
}

/** Spellings of one idea; help may show at most one of each group, in every command. */
const SYNONYMS = [
  ['--repeat', '--repeats'],
  ['--out', '--output', '--outdir'],
  ['--metadata', '--metadata-dir'],
];

describe('one CLI vocabulary across every command', async () => {
  const flags = visibleFlags(await buildProgram());

  it('walks every command', () => {
    expect(new Set(flags.map((flag) => flag.command.split(' ')[0]))).toEqual(new Set(['validate', 'ops', 'bundle', 'submit', 'replay', 'plan', 'simulate', 'report', 'metadata', 'import', 'emulator', 'gc', 'config', 'bench', 'local', 'cache', 'generate', 'calibrate']));
  });

  it('a long flag takes the same kind of value everywhere', () => {
    const byLong = new Map<string, Set<string>>();
    for (const flag of flags) byLong.set(flag.long, (byLong.get(flag.long) ?? new Set()).add(flag.value));
    const conflicting = [...byLong].filter(([, values]) => values.size > 1).map(([long, values]) => `${long}: ${[...values].join(' vs ')}`);
    expect(conflicting).toEqual([]);
  });

  it('a short flag stands for one long flag everywhere', () => {
    const byShort = new Map<string, Set<string>>();
    for (const flag of flags) if (flag.short) byShort.set(flag.short, (byShort.get(flag.short) ?? new Set()).add(flag.long));
    expect([...byShort].filter(([, longs]) => longs.size > 1)).toEqual([]);
  });

  it('no idea has two visible spellings', () => {
    const shown = new Set(flags.map((flag) => flag.long));
    expect(SYNONYMS.map((group) => group.filter((long) => shown.has(long))).filter((used) => used.length > 1)).toEqual([]);
  });

  it('every run or plan command that takes --metadata also takes --no-metadata', () => {
    const commandsWith = (long: string) => new Set(flags.filter((flag) => flag.long === long && !flag.command.startsWith('metadata ')).map((flag) => flag.command));
    expect([...commandsWith('--metadata')].filter((command) => !commandsWith('--no-metadata').has(command))).toEqual([]);
    expect(commandsWith('--metadata')).toEqual(new Set(['submit', 'replay', 'plan', 'simulate', 'bench']));
  });
});

/** Every command under `command`, with its full name (`metadata import`). */
function allCommands(command: Command, prefix = ''): { name: string; command: Command }[] {
  return command.commands.flatMap((sub) => [{ name: `${prefix}${sub.name()}`, command: sub }, ...allCommands(sub, `${prefix}${sub.name()} `)]);
}

describe('deprecated spellings stay out of help', () => {
  it('no help text names a hidden (deprecated) flag, in its options or in any description', async () => {
    // An audit found `report --help` advertising `--run N` in its argument's description.
    const named = allCommands(await buildProgram()).flatMap(({ name, command }) =>
      command.options
        .filter((option) => option.hidden && option.long !== undefined)
        .filter((option) => new RegExp(`${option.long}(?![\\w-])`).test(command.helpInformation()))
        .map((option) => `${name}: ${option.long}`),
    );
    expect(named).toEqual([]);
  });
});

describe('old spellings still work, with a one-line note', () => {
  it('plan --metadata-dir plans from that directory and says to use --metadata', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wukong-vocab-'));
    const run = spawnSync(process.execPath, ['bin/wukong.js', 'plan', 'workloads/examples/diamond.json', '--metadata-dir', join(dir, 'm'), '--json'], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stderr).toContain('wukong: warning: --metadata-dir is deprecated; use --metadata');
    expect(JSON.parse(run.stdout).metadata).toContain(join(dir, 'm'));
  });

  it('plan --no-metadata plans from the DAG alone', () => {
    const run = spawnSync(process.execPath, ['bin/wukong.js', 'plan', 'workloads/examples/diamond.json', '--no-metadata', '--json'], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout).metadata).toBe('none (--no-metadata)');
  });
});
