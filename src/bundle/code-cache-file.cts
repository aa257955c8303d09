import { createHash } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { threadId } from 'node:worker_threads';

/**
 * A V8 code cache kept in a file beside the script it was made from (./run-bundle.cts). The file
 * starts with the SHA-256 of that script's text, since V8 itself checks only the text's length:
 * a cache made from another build of the same length would be taken, with the other build's code.
 * V8 checks the rest (its version, its flags, a checksum of the data) and rejects what does not fit.
 */
const HASH_BYTES = 32;

export function sourceHash(source: Buffer): Buffer {
  return createHash('sha256').update(source).digest();
}

/** The cached data in `path` made from a script whose hash is `hash`, or undefined (none, unreadable, another script's). */
export function readCodeCache(path: string, hash: Buffer): Buffer | undefined {
  let file: Buffer;
  try {
    file = readFileSync(path);
  } catch {
    return undefined;
  }
  if (file.length <= HASH_BYTES || !file.subarray(0, HASH_BYTES).equals(hash)) return undefined;
  return file.subarray(HASH_BYTES);
}

/**
 * Writes `data` for the script whose hash is `hash` to `path`, whole or not at all: into a file of
 * this process and thread first, renamed over `path`, so that a process starting meanwhile (two
 * first runs at once, or executor threads of one run) reads the old file or the new one, never a
 * part. Returns whether it was written; an install the user cannot write to keeps no cache, and
 * that is no error.
 */
export function writeCodeCache(path: string, hash: Buffer, data: Buffer): boolean {
  const partial = `${path}.${process.pid}-${threadId}.tmp`;
  try {
    writeFileSync(partial, Buffer.concat([hash, data]));
    renameSync(partial, path);
    return true;
  } catch {
    rmSync(partial, { force: true });
    return false;
  }
}
