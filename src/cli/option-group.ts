import type { Command } from 'commander';

/** One commander flag of an option group: declared once, added to every command that takes it. */
export interface FlagDeclaration {
  readonly flags: string;
  readonly description: string;
  readonly defaultValue?: string;
}

/**
 * An option group (WUKONG, store, ...): its flags, declared once, and how their raw values become
 * the group's options, validated by the group's zod schema (the same schema the run spec stores).
 */
export interface OptionGroup<Flags, Options> {
  readonly flags: readonly FlagDeclaration[];
  fromFlags(flags: Flags): Options;
}

/** Adds every flag of `group` to `command`, in declaration order. */
export function withOptionGroup<C extends Command>(command: C, group: Pick<OptionGroup<unknown, unknown>, 'flags'>): C {
  for (const flag of group.flags) {
    if (flag.defaultValue === undefined) command.option(flag.flags, flag.description);
    else command.option(flag.flags, flag.description, flag.defaultValue);
  }
  return command;
}
