import { closeSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { threadId } from 'node:worker_threads';

/**
 * A V8 code cache kept in a file beside the script it was made from (./run-bundle.cts). The file
 * starts with the hash of that script, which scripts/build-bundles.mjs writes as the script's last
 * line, since V8 itself checks only the text's length: a cache made from another build of the same
 * length would be taken, with the other build's code. (The build computes the hash, so that a start
 * neither hashes a megabyte nor loads node:crypto, which an executor thread otherwise does without.)
 * V8 checks the rest (its version, its flags, a checksum of the data) and rejects what does not fit.
 */
const HASH_LINE = /\n\/\/# wukongBundleHash=([0-9a-f]{64})\s*$/;
const HASH_CHARS = 64;

/** The SHA-256 (hex) the build wrote at the end of `source`, or undefined when there is none. */
export function bundleHash(source: string): string | undefined {
  return HASH_LINE.exec(source.slice(-100))?.[1];
}

/** The line scripts/build-bundles.mjs appends to a bundle whose text (before it) hashes to `hash`. */
export function bundleHashLine(hash: string): string {
  return `\n//# wukongBundleHash=${hash}\n`;
}

/** The cached data in `path` made from a script whose hash is `hash`, or undefined (none, unreadable, another script's). */
export function readCodeCache(path: string, hash: string): Buffer | undefined {
  let file: Buffer;
  try {
    file = readFileSync(path);
  } catch {
    return undefined;
  }
  if (file.length <= HASH_CHARS || file.toString('latin1', 0, HASH_CHARS) !== hash) return undefined;
  return file.subarray(HASH_CHARS);
}

/**
 * Writes the data `make` returns for the script whose hash is `hash` to `path`, whole or not at
 * all: into a file of this process and thread first, renamed over `path`, so that a process
 * starting meanwhile (two first runs at once, or executor threads of one run) reads the old file or
 * the new one, never a part. `make` (V8's createCachedData: tens of ms) is called only once that
 * file could be opened: an install the user cannot write to keeps no cache, costs no more than
 * the failed open, and that is no error. Returns whether the cache was written.
 */
export function writeCodeCache(path: string, hash: string, make: () => Buffer): boolean {
  const partial = `${path}.${process.pid}-${threadId}.tmp`;
  let fd: number | undefined;
  try {
    fd = openSync(partial, 'w');
  } catch {
    return false;
  }
  try {
    const data = make();
    writeSync(fd, Buffer.from(hash, 'latin1'));
    writeSync(fd, data);
    closeSync(fd);
    fd = undefined;
    renameSync(partial, path);
    return true;
  } catch {
    if (fd !== undefined) closeSync(fd);
    rmSync(partial, { force: true });
    return false;
  }
}
