import { readFile } from 'node:fs/promises';
import { BadInputError } from '../model/errors.js';
import { builtinProfile, BUILTIN_PROFILES, parseCostProfile, type CostProfile } from '../cost/profile.js';

/** A built-in profile by name, else a JSON file validated by the profile schema. */
export async function loadProfile(nameOrFile: string): Promise<CostProfile> {
  const builtin = builtinProfile(nameOrFile);
  if (builtin) return builtin;
  let text: string;
  try {
    text = await readFile(nameOrFile, 'utf8');
  } catch {
    throw new BadInputError(`--profile: "${nameOrFile}" is neither a built-in profile (${[...Object.keys(BUILTIN_PROFILES), 'local'].join(', ')}) nor a readable file`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new BadInputError(`--profile: ${nameOrFile} is not valid JSON: ${(error as Error).message}`);
  }
  try {
    return parseCostProfile(json);
  } catch (error) {
    throw new BadInputError(`--profile ${nameOrFile}: ${(error as Error).message}`);
  }
}

