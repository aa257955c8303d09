import { readFile } from 'node:fs/promises';
import { BadInputError } from '../model/errors.js';
import { DagValidationError, parseDagText } from '../dag/validate.js';
import { decodeUtf8 } from './decode-utf8.js';

/**
 * Reads a JSON file for a command: a missing file or bad UTF-8 is a BadInputError, bad JSON a
 * DagValidationError with one `not-json` problem saying where; both exit 2. `expected` names what
 * the file should be when it is a directory.
 */
export async function readJsonFile(file: string, expected = 'a DAG file'): Promise<unknown> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new BadInputError(`no such file: ${file}`, { cause: error });
    if (code === 'EISDIR') throw new BadInputError(`${file} is a directory, not ${expected}`, { cause: error });
    throw new BadInputError(`cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  const parsed = parseDagText(decodeUtf8(bytes, file));
  if (!parsed.ok) throw new DagValidationError(parsed.problems, file);
  return parsed.value;
}

/** A DAG file's parsed JSON, not yet validated (see validateDag). */
export const readDagFile = readJsonFile;
