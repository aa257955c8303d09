import * as z from 'zod';
import { parseGroupOptions, type OptionGroup } from './option-group.js';

/** The raw output flags, as commander hands them over. */
export interface OutputFlags {
  report?: string;
  html?: string;
  json?: boolean;
}

/**
 * Where a run command writes what it found: the output option group's options. The paths are
 * checked writable before the command runs (./output-paths.ts).
 */
export const OutputOptionsSchema = z
  .object({
    /** Write the report (JSON) to this file. */
    report: z.string().min(1).optional(),
    /** Write the run as one self-contained HTML page to this file. */
    html: z.string().min(1).optional(),
    /** Print the summary as one JSON object instead of text. */
    json: z.boolean().default(false),
  })
  .strict();

export type OutputOptions = z.infer<typeof OutputOptionsSchema>;

/**
 * The output option group (`submit`, `replay`, `simulate`): `--report`, `--html`, `--json`.
 * Commands word the help for what their report holds (FlagOverrides).
 */
export const OUTPUT_OPTION_GROUP: OptionGroup<OutputFlags, OutputOptions> = {
  flags: [
    { flags: '--report <file>', description: 'write the run report (JSON)' },
    { flags: '--html <file>', description: 'write the run as one self-contained HTML page: Gantt chart, critical path, summary' },
    { flags: '--json', description: 'print the summary as one JSON object' },
  ],
  fromFlags(flags) {
    return parseGroupOptions(OutputOptionsSchema, {
      ...(flags.report === undefined ? {} : { report: flags.report }),
      ...(flags.html === undefined ? {} : { html: flags.html }),
      json: flags.json === true,
    });
  },
};
