import { BadInputError } from '../src/model/errors.js';
import { PRESET_NAMES, type AnyWorkload, type PresetName } from './workload.js';

export interface ParamDescription {
  readonly name: string;
  readonly description: string;
  readonly defaultValue: number | undefined;
  /** Values the presets give it, where they differ from the default. */
  readonly presets: Partial<Record<PresetName, number>>;
}

/** Each parameter of a workload as its zod schema declares it (name, description, default). */
export function describeParams(workload: AnyWorkload): ParamDescription[] {
  return Object.entries(workload.paramsSchema.shape).map(([name, field]) => {
    const parsed = field.safeParse(undefined);
    const defaultValue = parsed.success && typeof parsed.data === 'number' ? parsed.data : undefined;
    const presets: Partial<Record<PresetName, number>> = {};
    for (const preset of PRESET_NAMES) {
      const value = workload.presets[preset][name];
      if (value !== undefined && value !== defaultValue) presets[preset] = value;
    }
    return { name, description: field.description ?? '', defaultValue, presets };
  });
}

/** What the user chose: `--size` (a preset name or a number), `--block`, and `--param k=v` pairs. */
export interface ParamChoices {
  readonly size?: string;
  readonly block?: number;
  readonly overrides?: Readonly<Record<string, number>>;
}

/**
 * The workload's parameters: preset (when `size` names one) or the size parameter, then the block
 * parameter, then explicit overrides, validated by the workload's schema. Bad input throws
 * BadInputError naming the parameter.
 */
export function resolveParams(workload: AnyWorkload, choices: ParamChoices): Record<string, number> {
  let raw: Record<string, number> = {};
  const size = choices.size?.trim();
  if (size !== undefined) {
    if ((PRESET_NAMES as readonly string[]).includes(size)) raw = { ...(workload.presets[size as PresetName] as Record<string, number>) };
    else if (/^\d+$/.test(size)) raw[workload.sizeParam] = Number(size);
    else throw new BadInputError(`--size must be ${PRESET_NAMES.join(', ')} or a whole number (sets ${workload.sizeParam}), got "${choices.size}"`);
  }
  if (choices.block !== undefined) {
    if (!workload.blockParam) throw new BadInputError(`${workload.name} has no block size; --block does not apply`);
    raw[workload.blockParam] = choices.block;
  }
  const known = Object.keys(workload.paramsSchema.shape);
  for (const [name, value] of Object.entries(choices.overrides ?? {})) {
    if (!known.includes(name)) throw new BadInputError(`${workload.name} has no parameter "${name}"; it has ${known.join(', ')}`);
    raw[name] = value;
  }
  const parsed = workload.paramsSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(params)'}: ${issue.message}`);
    throw new BadInputError(`bad ${workload.name} parameters: ${problems.join('; ')}`);
  }
  return parsed.data;
}
