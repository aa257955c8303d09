import type { StoreKind } from '../../cost/profile.js';
import { BadInputError } from '../../model/errors.js';
import { DEFAULT_SIM_INVOKE_CONCURRENCY } from '../../sim/simulator.js';
import { parseIntegerOption } from '../parse-options.js';

/** Lambda memory the simulator assumes by default: WUKONG's evaluation used 3 GB functions. */
export const DEFAULT_MEMORY_MB = 3008;

/** The flags of `wukong simulate` that WUKONG mode and planned mode (./simulate-planned.ts) both read. */
export interface SimulationFlags {
  profile: string;
  seed: string;
  memoryMb: string;
  store: string;
  invokeConcurrency: string;
  warm: string;
}

/** The simulator inputs those flags give, checked (bad values throw BadInputError naming the flag). */
export interface SimulationSettings {
  readonly seed: number;
  readonly memoryMb: number;
  readonly invokeConcurrency: number;
  readonly warmContainers: number;
  readonly storeKind: StoreKind;
}

export function parseSimulationFlags(flags: SimulationFlags): SimulationSettings {
  const seed = parseSeed(flags.seed);
  const memoryMb = parseIntegerOption(flags.memoryMb, '--memory-mb', DEFAULT_MEMORY_MB, 1);
  const invokeConcurrency = parseIntegerOption(flags.invokeConcurrency, '--invoke-concurrency', DEFAULT_SIM_INVOKE_CONCURRENCY, 1);
  const warmContainers = parseIntegerOption(flags.warm, '--warm', 0, 0);
  if (flags.store !== 'redis' && flags.store !== 's3') throw new BadInputError(`--store must be redis or s3, got "${flags.store}"`);
  return { seed, memoryMb, invokeConcurrency, warmContainers, storeKind: flags.store };
}

function parseSeed(text: string): number {
  if (!/^-?\d+$/.test(text.trim())) throw new BadInputError(`--seed must be a whole number, got "${text}"`);
  const seed = Number(text);
  if (!Number.isSafeInteger(seed)) throw new BadInputError(`--seed must be a safe integer, got ${text}`);
  return seed;
}
