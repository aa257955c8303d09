import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

// The bundle runner is CommonJS (.cts), which vitest does not compile: the test loads the build of
// it (`npm test` builds first), as bin/wukong.js and the executor threads do.
const built = createRequire(import.meta.url);
const { bundleHashLine, writeCodeCache } = built('../../../dist/src/bundle/code-cache-file.cjs') as typeof import('../../../src/bundle/code-cache-file.cjs');
const { runCodeCachedBundle } = built('../../../dist/src/bundle/run-bundle.cjs') as typeof import('../../../src/bundle/run-bundle.cjs');

/**
 * The code cache of a bundle (src/bundle/run-bundle.cts): written when missing, used when it fits,
 * and ignored and written anew when it is corrupt or made from another build; the bundle runs
 * either way, also where no cache can be written.
 */
const RESULT = Symbol.for('wukong.test.runBundle');
type Seen = { readonly letter: string; readonly eol: string; readonly url: string; readonly imported: Promise<{ sep: string }> };
const seen = () => (globalThis as { [RESULT]?: Seen })[RESULT] as Seen;

/**
 * A bundle in the shape scripts/build-bundles.mjs makes (a function expression, then its hash line),
 * which records what it was given; `letter` is one character.
 */
function bundleSource(letter: string, withHashLine = true): string {
  const text =
    '(function (require, __wukongImport, __wukongBundleUrl) {\n' +
    `  const work = (n) => { let s = 0; for (let i = 0; i < n; i += 1) s += i; return s; };\n` +
    `  globalThis[Symbol.for('wukong.test.runBundle')] = { letter: '${letter}', sum: work(10), eol: require('node:os').EOL, url: __wukongBundleUrl, imported: __wukongImport('node:path') };\n` +
    '})';
  return withHashLine ? text + bundleHashLine(hashOf(text)) : text;
}

const hashOf = (text: string) => createHash('sha256').update(text).digest('hex');
/** The hash a bundle file's cache must start with: that of its text before the hash line. */
const hashOfFile = (file: string) => hashOf(readFileSync(file, 'utf8').split('\n//# wukongBundleHash=')[0]!);

function tempBundle(letter: string, withHashLine = true): { file: string; url: URL; cache: string } {
  const file = join(mkdtempSync(join(tmpdir(), 'wk-run-bundle-')), 'bundle.cjs');
  writeFileSync(file, bundleSource(letter, withHashLine));
  return { file, url: pathToFileURL(file), cache: `${file}.v8cache` };
}

/** The cache is written on a timer after the start (`after-start`). */
const afterStart = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('runCodeCachedBundle', () => {
  it('runs the bundle with require, import() and its URL, writes the cache, and uses it next time', async () => {
    // Prepare
    const { file, url, cache } = tempBundle('A');
    // Act
    const first = runCodeCachedBundle(url, 'after-start');
    await afterStart();
    const written = readFileSync(cache);
    const second = runCodeCachedBundle(url, 'after-start');
    await afterStart();
    // Assess
    expect(first).toBe('none');
    expect(second).toBe('used');
    expect(seen().letter).toBe('A');
    expect(seen().eol).toBe('\n');
    expect(seen().url).toBe(url.href);
    expect((await seen().imported).sep).toBe('/');
    expect(written.toString('latin1', 0, 64)).toBe(hashOfFile(file));
    expect(written.length).toBeGreaterThan(64);
    expect(readFileSync(cache).equals(written)).toBe(true); // a cache that was used is not written again
    expect(readdirSync(join(file, '..')).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it("a variant (a CLI command) reads and writes its own cache, never another variant's", async () => {
    // Prepare: `submit`'s cache, written by a run of that variant
    const { file, url } = tempBundle('V');
    runCodeCachedBundle(url, 'after-start', 'submit');
    await afterStart();
    const submitCache = readFileSync(`${file}.submit.v8cache`);
    // Act
    const use = runCodeCachedBundle(url, 'after-start', 'validate');
    await afterStart();
    // Assess: `validate` found no cache of its own, wrote one, and left `submit`'s as it was
    expect(use).toBe('none');
    expect(readFileSync(`${file}.validate.v8cache`).subarray(0, 64).toString('latin1')).toBe(hashOfFile(file));
    expect(readFileSync(`${file}.submit.v8cache`).equals(submitCache)).toBe(true);
    expect(existsSync(`${file}.v8cache`)).toBe(false);
  });

  it('a corrupt cache is rejected, the bundle still runs, and a good cache replaces it', async () => {
    // Prepare: the right header, then bytes V8 cannot take
    const { file, url, cache } = tempBundle('B');
    writeFileSync(cache, Buffer.concat([Buffer.from(hashOfFile(file)), Buffer.from('not a V8 code cache'.repeat(20))]));
    // Act
    const first = runCodeCachedBundle(url, 'after-start');
    await afterStart();
    const second = runCodeCachedBundle(url, 'after-start');
    // Assess
    expect(first).toBe('rejected');
    expect(seen().letter).toBe('B');
    expect(second).toBe('used');
  });

  it('a cache made from another build of the same length is not used: the new build runs', async () => {
    // Prepare: V8 itself checks only the length of the text (the hash lines differ, not their length)
    const { file, url } = tempBundle('C');
    runCodeCachedBundle(url, 'after-start');
    await afterStart();
    writeFileSync(file, bundleSource('D'));
    // Act
    const use = runCodeCachedBundle(url, 'after-start');
    await afterStart();
    // Assess
    expect(use).toBe('none');
    expect(seen().letter).toBe('D');
    expect(runCodeCachedBundle(url, 'after-start')).toBe('used');
    expect(seen().letter).toBe('D');
  });

  it('a script without the hash line runs without a cache, and none is written', async () => {
    // Prepare
    const { url, cache } = tempBundle('F', false);
    // Act
    const uses = [runCodeCachedBundle(url, 'after-start'), runCodeCachedBundle(url, 'after-start')];
    await afterStart();
    // Assess
    expect(uses).toEqual(['none', 'none']);
    expect(seen().letter).toBe('F');
    expect(existsSync(cache)).toBe(false);
  });

  it('where no cache can be written, the bundle runs all the same', async () => {
    // Prepare: a directory where the cache file would go, which no rename can replace
    const { url, cache } = tempBundle('E');
    mkdirSync(cache);
    // Act
    const first = runCodeCachedBundle(url, 'after-start');
    await afterStart();
    const second = runCodeCachedBundle(url, 'after-start');
    // Assess
    expect([first, second]).toEqual(['none', 'none']);
    expect(seen().letter).toBe('E');
    expect(readdirSync(join(cache, '..')).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});

describe('writeCodeCache', () => {
  it('where the file cannot be made, returns false without making the cache data (V8 takes tens of ms for it)', () => {
    // Prepare
    const missingDir = join(mkdtempSync(join(tmpdir(), 'wk-cache-write-')), 'no-such-dir', 'bundle.cjs.v8cache');
    let made = 0;
    // Act
    const written = writeCodeCache(missingDir, 'a'.repeat(64), () => {
      made += 1;
      return Buffer.from('data');
    });
    // Assess
    expect(written).toBe(false);
    expect(made).toBe(0);
  });

  it('writes the hash, then the data, and leaves no partial file', () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'wk-cache-write-'));
    const path = join(dir, 'bundle.cjs.v8cache');
    // Act
    const written = writeCodeCache(path, 'b'.repeat(64), () => Buffer.from('data'));
    // Assess
    expect(written).toBe(true);
    expect(readFileSync(path, 'latin1')).toBe(`${'b'.repeat(64)}data`);
    expect(readdirSync(dir)).toEqual(['bundle.cjs.v8cache']);
  });
});
