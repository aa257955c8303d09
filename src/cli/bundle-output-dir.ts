import { readFileSync } from 'node:fs';
import { readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BadInputError } from '../model/errors.js';

/**
 * The file every bundle leaves in its directory. `wukong bundle` empties its output directory
 * before writing (a stale handler or Lua script must not ship), and this marker is how it knows
 * the directory holds a bundle of its own rather than a project: `--output-dir .` once deleted a
 * user's whole project (src/, node_modules, config) before the bundle failed.
 */
export const BUNDLE_MARKER_FILE = '.wukong-bundle';

/** What a bundle writes: a directory of only these, with a handler, is a bundle from before the marker. */
const BUNDLE_ENTRIES = new Set(['handler.mjs', 'handler.mjs.map', 'gemm.wasm', 'lua', 'node_modules', BUNDLE_MARKER_FILE]);

/** Entries named in the refusal; a project's first few say enough. */
const ENTRIES_SHOWN = 5;

/**
 * Throws a BadInputError (exit 2) unless `outdir` may be emptied: it is missing, empty, or a previous
 * bundle's directory. Reads only; call it before writing or deleting anything.
 */
export async function checkBundleOutputDir(outdir: string): Promise<void> {
  const kind = await stat(outdir).then(
    (stats) => (stats.isDirectory() ? 'directory' : 'other'),
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return 'missing';
      throw new BadInputError(`wukong bundle: cannot read ${outdir}: ${error.message} (nothing was written)`, { cause: error });
    },
  );
  if (kind === 'missing') return;
  if (kind === 'other') throw new BadInputError(`wukong bundle: ${outdir} exists and is not a directory (nothing was written)`);
  const entries = await readdir(outdir);
  if (entries.length === 0 || entries.includes(BUNDLE_MARKER_FILE)) return;
  if (entries.includes('handler.mjs') && entries.every((name) => BUNDLE_ENTRIES.has(name))) return;
  const shown = entries.sort().slice(0, ENTRIES_SHOWN).join(', ');
  const more = entries.length > ENTRIES_SHOWN ? `, ... (${entries.length} entries)` : '';
  throw new BadInputError(
    `wukong bundle: ${outdir} holds files that are not a wukong bundle (${shown}${more}); the bundle empties its output directory, so give a new or empty one, or a previous bundle's (nothing was written or deleted)`,
  );
}

/** Empties a directory checkBundleOutputDir accepted, keeping the directory itself (it may be the working directory). */
export async function emptyBundleOutputDir(outdir: string): Promise<void> {
  const entries = await readdir(outdir).catch(() => []);
  await Promise.all(entries.map((name) => rm(join(outdir, name), { recursive: true, force: true })));
}

/**
 * Marks `outdir` as a bundle's, so the next bundle may empty it, and names the user op modules it
 * holds: `local up` then knows a bundle with the user's ops from the built-ins' (bundleOpModules).
 */
export async function markBundleOutputDir(outdir: string, opModules: readonly string[]): Promise<void> {
  await writeFile(join(outdir, BUNDLE_MARKER_FILE), `written by \`wukong bundle\`, which empties this directory when it bundles here again\nops: ${JSON.stringify(opModules)}\n`);
}

/** The user op modules a bundle's marker names; [] for the built-ins' bundle, one from before the line, or none at all. */
export function bundleOpModules(outdir: string): string[] {
  try {
    const line = /^ops: (.*)$/m.exec(readFileSync(join(outdir, BUNDLE_MARKER_FILE), 'utf8'))?.[1];
    const parsed: unknown = line === undefined ? [] : JSON.parse(line);
    return Array.isArray(parsed) ? parsed.filter((m): m is string => typeof m === 'string') : [];
  } catch {
    return [];
  }
}
