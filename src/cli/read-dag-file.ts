import { readFile } from 'node:fs/promises';
import { BadInputError } from '../errors.js';
import { DagValidationError, parseDagText } from '../dag/validate.js';

/** Reads a JSON file for a command: a missing file, bad UTF-8 or bad JSON is bad input (exit 2). */
export async function readJsonFile(file: string): Promise<unknown> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new BadInputError(`no such file: ${file}`);
    if (code === 'EISDIR') throw new BadInputError(`${file} is a directory, not a DAG file`);
    throw new BadInputError(`cannot read ${file}: ${(error as Error).message}`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new BadInputError(`${file} is not valid UTF-8`);
  }
  const parsed = parseDagText(text);
  if (!parsed.ok) throw new DagValidationError(parsed.problems);
  return parsed.value;
}

export const readDagFile = readJsonFile;
