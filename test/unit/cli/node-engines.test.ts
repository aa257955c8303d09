import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// semver comes with the dev tree (aws-cdk-lib, eslint); npm's own range rules, not a hand-written copy.
const semver = createRequire(import.meta.url)('semver') as {
  minVersion(range: string): { version: string } | null;
  satisfies(version: string, range: string): boolean;
};

interface LockPackage {
  readonly dev?: boolean;
  readonly devOptional?: boolean;
  readonly optional?: boolean;
  readonly engines?: { node?: string } | string[];
}

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, LockPackage> };

/** Every package a user's install gets (no dev-only ones), with its declared Node range. */
const runtimeRanges = Object.entries(lock.packages)
  .filter(([path, entry]) => path !== '' && entry.dev !== true && entry.devOptional !== true)
  .flatMap(([path, entry]) => (entry.engines && !Array.isArray(entry.engines) && entry.engines.node ? [{ path, range: entry.engines.node }] : []));

describe('Node versions (issue 21 item 6)', () => {
  it('engines.node is true: its lowest Node satisfies every runtime dependency, the AWS SDK included', () => {
    const floor = semver.minVersion(pkg.engines.node)?.version;
    expect(floor).toBeDefined();
    const unmet = runtimeRanges.filter(({ range }) => !semver.satisfies(floor ?? '', range));
    expect(unmet, `wukong says node ${pkg.engines.node}, these need more`).toEqual([]);
    // The SDK is the dependency the issue was about; it must be among those checked.
    expect(runtimeRanges.some(({ path }) => path.endsWith('node_modules/@aws-sdk/client-s3'))).toBe(true);
  });

  it('the Node running the tests is one engines allows', () => {
    expect(semver.satisfies(process.versions.node, pkg.engines.node)).toBe(true);
  });
});
