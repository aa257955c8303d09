import { Option, type Command } from 'commander';

/**
 * Adds `flags` (e.g. `--out <file>`) as a hidden, deprecated spelling of `replacement`: it still
 * works (its value lands on the replacement's attribute, unless `keepOwnValue`) and prints one
 * line on stderr naming the flag to use. Help lists only the replacement, so every command shows
 * one vocabulary.
 */
export function withDeprecatedAlias<C extends Command>(command: C, flags: string, replacement: string, options: { keepOwnValue?: boolean } = {}): C {
  const alias = new Option(flags).hideHelp();
  const target = new Option(replacement).attributeName();
  command.addOption(alias);
  command.on(`option:${alias.name()}`, (value: unknown) => {
    process.stderr.write(`wukong: warning: ${alias.long ?? flags} is deprecated; use ${replacement.split(/[ ,]/).find((part) => part.startsWith('--')) ?? replacement}\n`);
    if (options.keepOwnValue !== true) command.setOptionValue(target, value);
  });
  return command;
}
