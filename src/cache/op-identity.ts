import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RunDag } from '../model/run-spec.js';
import type { OpRegistry } from '../ops/registry.js';
import type { CachedOp } from './result-cache.js';

/**
 * How the cache names an op's code. Built-ins: `builtin@<package version>`, so an upgrade of
 * wukong invalidates every cached built-in result (coarse, but never stale). User ops: the SHA-256
 * of the module file they were loaded from plus the lockfile (else package.json) nearest above it,
 * which pins its dependencies' versions: editing a module invalidates its ops' tasks (and their
 * descendants, through the input keys) and nothing else; upgrading a dependency invalidates the
 * project's user ops. Other local files the module imports are not hashed: after changing one,
 * run with `--no-cache` once.
 */
export function cachedOpsOf(registry: OpRegistry, packageVersion: string): (op: string) => CachedOp {
  const moduleHashes = new Map<string, string>();
  const ops = new Map<string, CachedOp>();
  return (name) => {
    let op = ops.get(name);
    if (!op) {
      const def = registry.get(name);
      let version = `builtin@${packageVersion}`;
      if (def.source !== undefined) {
        let hash = moduleHashes.get(def.source);
        if (hash === undefined) {
          const digest = createHash('sha256').update(readFileSync(def.source));
          const manifest = nearestManifest(dirname(def.source));
          if (manifest) digest.update(readFileSync(manifest));
          hash = digest.digest('hex');
          moduleHashes.set(def.source, hash);
        }
        version = `user:${hash}`;
      }
      op = { version, deterministic: def.deterministic !== false, outputs: def.outputs };
      ops.set(name, op);
    }
    return op;
  };
}

/** package-lock.json, else package.json, in `directory` or the nearest folder above it. */
function nearestManifest(directory: string): string | undefined {
  for (let dir = directory; ; dir = dirname(dir)) {
    for (const name of ['package-lock.json', 'package.json']) if (existsSync(join(dir, name))) return join(dir, name);
    if (dirname(dir) === dir) return undefined;
  }
}

/** The data identity of every task whose op reads data (table.read: file size and mtime, S3 ETag). */
export async function sourceIdentities(dag: RunDag, registry: OpRegistry): Promise<Map<string, string>> {
  const identities = new Map<string, string>();
  for (const taskId of dag.sources()) {
    const task = dag.task(taskId);
    const def = registry.get(task.op);
    if (def.dataIdentity) identities.set(taskId, await def.dataIdentity(def.args.parse(task.args ?? {})));
  }
  return identities;
}
