import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * docs/WUKONG-FIDELITY.md cites our side of each rule as `file.ts:symbol`. Line numbers went stale
 * with every edit above them (`wukong-options.ts:61` for a constant that had moved to 63); a
 * symbol that is renamed or removed fails here instead.
 */
const repo = process.cwd();
const doc = readFileSync(join(repo, 'docs/WUKONG-FIDELITY.md'), 'utf8');

/** Every `path.ts:symbol` in backticks; a bare file name is one file of that name under src/. */
const citations = [...doc.matchAll(/`([\w./-]+\.ts):([A-Za-z_$][\w$]*)`/g)].map((m) => ({ file: m[1] as string, symbol: m[2] as string }));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : []));
}
const srcFiles = sourceFiles(join(repo, 'src'));

function resolve(file: string): string[] {
  return file.includes('/') ? [join(repo, file)].filter((path) => srcFiles.includes(path)) : srcFiles.filter((path) => basename(path) === file);
}

/** A top-level declaration, or a method of a class in the file. */
function declares(text: string, symbol: string): boolean {
  const topLevel = new RegExp(`\\b(?:function|class|const|let|interface|type|enum)\\s+${symbol}\\b`);
  const method = new RegExp(`^\\s*(?:(?:private|protected|public|static|async|readonly|override)\\s+)*${symbol}\\s*(?:<[^>]*>)?\\(`, 'm');
  return topLevel.test(text) || method.test(text);
}

describe('docs/WUKONG-FIDELITY.md citations of our code', () => {
  it('cites by symbol, not by line number', () => {
    expect(citations.length).toBeGreaterThan(20);
    expect(doc.match(/\.ts:\d+/g) ?? []).toEqual([]);
  });

  it.each(citations.map((c) => [`${c.file}:${c.symbol}`, c] as const))('%s: the file is one source file and declares the symbol', (_, { file, symbol }) => {
    const paths = resolve(file);
    expect(paths, `${file}: no such file under src/, or not one file of that name`).toHaveLength(1);
    expect(declares(readFileSync(paths[0] as string, 'utf8'), symbol), `${file} declares no ${symbol}`).toBe(true);
  });
});
