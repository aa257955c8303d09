import { Option, type Command } from 'commander';
import type * as z from 'zod';
import { BadInputError } from '../model/errors.js';

/** One commander flag of an option group: declared once, added to every command that takes it. */
export interface FlagDeclaration {
  readonly flags: string;
  readonly description: string;
  readonly defaultValue?: string;
}

/**
 * An option group (WUKONG, planner, store, output): its flags, declared once, and how their raw
 * values become the group's options, validated by the group's zod schema (the schema the run spec
 * or the code that takes the options uses). Every command that takes the group adds it with
 * `withOptionGroup` and parses it with `fromFlags`, so names, defaults and parsing cannot drift.
 */
export interface OptionGroup<Flags, Options> {
  readonly flags: readonly FlagDeclaration[];
  fromFlags(flags: Flags): Options;
}

/**
 * What one command words differently for a flag of a group (keyed by commander's attribute name,
 * e.g. `maxWorkers`): the help text, and for `wukong plan` the default planner. The flag, its
 * parsing and its validation stay the group's.
 */
export type FlagOverrides<Flags> = Partial<Record<keyof Flags & string, { readonly description?: string; readonly defaultValue?: string }>>;

/** Adds every flag of `group` to `command`, in declaration order. */
export function withOptionGroup<C extends Command, Flags>(command: C, group: OptionGroup<Flags, unknown>, overrides: FlagOverrides<Flags> = {}): C {
  const known = new Set<string>();
  for (const flag of group.flags) {
    const option = new Option(flag.flags, flag.description);
    const name = option.attributeName();
    known.add(name);
    const override = (overrides as Record<string, { description?: string; defaultValue?: string } | undefined>)[name];
    if (override?.description !== undefined) option.description = override.description;
    const defaultValue = override?.defaultValue ?? flag.defaultValue;
    if (defaultValue !== undefined) option.default(defaultValue);
    command.addOption(option);
  }
  const unknown = Object.keys(overrides).filter((name) => !known.has(name));
  if (unknown.length > 0) throw new Error(`option group has no flag ${unknown.join(', ')}`);
  return command;
}

/**
 * Validates a group's options with its schema; a failure is bad input (exit 2) naming the flag
 * (`maxWorkers` -> `--max-workers`), for values the flag parsers let through.
 */
export function parseGroupOptions<S extends z.ZodType>(schema: S, raw: unknown): z.infer<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const key = String(issue?.path[0] ?? '');
  const flag = key === '' ? 'options' : `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  throw new BadInputError(`${flag}: ${issue?.message ?? 'invalid'}`);
}
