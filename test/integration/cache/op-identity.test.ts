import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { cachedOpsOf } from '../../../src/cache/op-identity.js';
import { defineOp } from '../../../src/ops/define-op.js';
import { createBuiltinRegistry } from '../../../src/ops/builtins.js';
import type { OpDefinition } from '../../../src/ops/op-definition.js';

/** A user op as the loader registers it: `source` is the module file it came from. */
const userOp = (name: string, source: string, deterministic?: false): OpDefinition =>
  ({ ...defineOp({ name, description: 'test', args: z.object({}).strict(), arity: { min: 1, max: 1 }, outputs: 1, run: (inputs) => [inputs[0]!], ...(deterministic === false ? { deterministic } : {}) }), source }) as OpDefinition;

describe('op identity for cache keys', () => {
  it('built-ins carry the package version; a user op the hash of its module and of the nearest lockfile', () => {
    const project = mkdtempSync(join(tmpdir(), 'wk-op-identity-'));
    mkdirSync(join(project, 'ops'));
    const module = join(project, 'ops', 'mine.mjs');
    writeFileSync(module, 'export default 1;\n');
    writeFileSync(join(project, 'package-lock.json'), '{"packages":{"node_modules/ms":{"version":"2.1.2"}}}');
    const versionOf = (op: string, definitions: OpDefinition[] = [userOp('demo.mine', module)]) => {
      const registry = createBuiltinRegistry();
      for (const def of definitions) registry.register(def);
      return cachedOpsOf(registry, '9.9.9')(op);
    };
    expect(versionOf('matrix.add')).toEqual({ version: 'builtin@9.9.9', deterministic: true, outputs: 1 });
    const first = versionOf('demo.mine').version;
    expect(first).toMatch(/^user:[0-9a-f]{64}$/);
    expect(versionOf('demo.mine').version).toBe(first);
    writeFileSync(join(project, 'package-lock.json'), '{"packages":{"node_modules/ms":{"version":"2.1.3"}}}');
    const upgraded = versionOf('demo.mine').version;
    expect(upgraded).not.toBe(first);
    writeFileSync(module, 'export default 2;\n');
    expect(versionOf('demo.mine').version).not.toBe(upgraded);
    expect(versionOf('demo.noisy', [userOp('demo.noisy', module, false)]).deterministic).toBe(false);
    expect(versionOf('table.write').deterministic).toBe(false);
  });
});
