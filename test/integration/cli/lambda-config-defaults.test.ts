import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lambdaConfigPath } from '../../../src/cli/lambda-config-path.js';
import { recordingLocationForRun } from '../../../src/cli/run-backend.js';
import { lambdaConfigFromStackOutputs, lambdaMetadataUrl, parseLambdaConfig } from '../../../src/runtime/lambda-config.js';

const config = {
  version: 1,
  region: 'us-east-1',
  functionsByTier: { '1769': 'wukong-executor-1769' },
  bucket: 'wukong',
  redisUrl: 'redis://127.0.0.1:41001',
  metadataUrl: 'redis://127.0.0.1:41002/3',
};

/** A project root with .wukong/lambda.json, and a subdirectory of it to run commands from. */
function project(lambdaJson: unknown): { root: string; sub: string } {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'wk-lambda-defaults-')));
  mkdirSync(join(root, '.wukong'));
  writeFileSync(join(root, '.wukong', 'lambda.json'), JSON.stringify(lambdaJson));
  const sub = join(root, 'pipelines', 'daily');
  mkdirSync(sub, { recursive: true });
  return { root, sub };
}

describe('Lambda config defaults (issue 21 item 5)', () => {
  it('the config file resolves from the project root, not the working directory', () => {
    const { root, sub } = project(config);
    expect(lambdaConfigPath(undefined, sub, {})).toBe(join(root, '.wukong', 'lambda.json'));
    expect(lambdaConfigPath('elsewhere.json', sub, {})).toBe('elsewhere.json');
  });

  it('--backend lambda with no --metadata plans from and records to the config metadata URL', async () => {
    const { sub } = project(config);
    const location = await recordingLocationForRun({ backend: 'lambda' }, {}, sub);
    expect(location).toMatchObject({ kind: 'redis' });
    expect(JSON.stringify(location)).toContain('41002');
  });

  it('a config written before metadataUrl existed means the executors fallback, redisUrl', async () => {
    const { metadataUrl: _omitted, ...older } = config;
    const { sub } = project(older);
    expect(JSON.stringify(await recordingLocationForRun({ backend: 'lambda' }, {}, sub))).toContain('41001');
  });

  it('an explicit --metadata, --no-metadata or env WUKONG_METADATA wins; the embedded backend keeps the local default', async () => {
    const { root, sub } = project(config);
    expect(await recordingLocationForRun({ backend: 'lambda', metadata: false }, {}, sub)).toBeUndefined();
    expect(await recordingLocationForRun({ backend: 'lambda', metadata: join(root, 'hist') }, {}, sub)).toEqual({ kind: 'file', dir: join(root, 'hist') });
    expect(await recordingLocationForRun({ backend: 'lambda' }, { WUKONG_METADATA: join(root, 'env-hist') }, sub)).toEqual({ kind: 'file', dir: join(root, 'env-hist') });
    expect((await recordingLocationForRun({ backend: 'embedded', metadata: join(root, 'x') }, {}, sub))?.kind).toBe('file');
  });

  it('a missing config is a clear bad input naming the path under the project root', async () => {
    const root = realpathSync(mkdtempSync(join(tmpdir(), 'wk-lambda-defaults-')));
    mkdirSync(join(root, '.wukong'));
    await expect(recordingLocationForRun({ backend: 'lambda' }, {}, root)).rejects.toThrow(`no Lambda config at ${join(root, '.wukong', 'lambda.json')}`);
  });

  it('config from stack outputs carries the metadata URL: the stack executors record to its Redis', () => {
    const fromStack = lambdaConfigFromStackOutputs(
      { FunctionsByTier: '{"1769":"Wukong-executor-1769"}', BucketName: 'wukong-bucket', RedisUrl: 'rediss://master.example.cache.amazonaws.com:6379', Region: 'us-east-1' },
      'Wukong',
    );
    expect(fromStack.metadataUrl).toBe('rediss://master.example.cache.amazonaws.com:6379');
    expect(lambdaMetadataUrl(parseLambdaConfig({ ...config, metadataUrl: undefined }, 'test'))).toBe(config.redisUrl);
  });
});
