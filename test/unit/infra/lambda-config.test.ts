import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../../src/model/errors.js';
import {
  configuredTiersMb,
  functionNameForTier,
  lambdaConfigFromStackOutputs,
  loadLambdaConfig,
  parseLambdaConfig,
  selectStackOutputs,
  STACK_OUTPUT_KEYS,
  type LambdaConfig,
} from '../../../src/runtime/lambda-config.js';

const deployedOutputs = (): Record<string, string> => ({
  FunctionsByTier: JSON.stringify({ '3008': 'Wukong-executor-3008', '1024': 'Wukong-executor-1024' }),
  BucketName: 'wukong-intermediatesbucket-1a2b3c',
  RedisEndpoint: 'master.wukong.abc123.use1.cache.amazonaws.com',
  RedisPort: '6379',
  RedisUrl: 'rediss://master.wukong.abc123.use1.cache.amazonaws.com:6379',
  Region: 'us-east-1',
  VpcId: 'vpc-0123',
  ClientSecurityGroupId: 'sg-0456',
  ClientSubnetIds: 'subnet-1,subnet-2',
});

describe('lambdaConfigFromStackOutputs', () => {
  it('builds a config from a stack\'s outputs', () => {
    // Act
    const config = lambdaConfigFromStackOutputs(deployedOutputs(), 'Wukong');
    // Assess
    expect(config).toEqual({
      version: 1,
      region: 'us-east-1',
      functionsByTier: { '1024': 'Wukong-executor-1024', '3008': 'Wukong-executor-3008' },
      bucket: 'wukong-intermediatesbucket-1a2b3c',
      redisUrl: 'rediss://master.wukong.abc123.use1.cache.amazonaws.com:6379',
      metadataUrl: 'rediss://master.wukong.abc123.use1.cache.amazonaws.com:6379',
      stack: { name: 'Wukong', vpcId: 'vpc-0123', clientSecurityGroupId: 'sg-0456', clientSubnetIds: ['subnet-1', 'subnet-2'] },
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(configuredTiersMb(config)).toEqual([1024, 3008]);
  });

  it('names every missing output at once', () => {
    const outputs = deployedOutputs();
    delete outputs[STACK_OUTPUT_KEYS.functionsByTier];
    delete outputs[STACK_OUTPUT_KEYS.redisUrl];
    expect(() => lambdaConfigFromStackOutputs(outputs, 'Wukong')).toThrow(/stack "Wukong" lacks the outputs FunctionsByTier, RedisUrl/);
    expect(() => lambdaConfigFromStackOutputs(outputs, 'Wukong')).toThrow(BadInputError);
  });

  it.each([
    ['FunctionsByTier', 'not json', /output FunctionsByTier is not JSON/],
    ['FunctionsByTier', '{}', /functionsByTier: at least one memory tier/],
    ['FunctionsByTier', '{"64":"f"}', /functionsByTier\.64: a memory tier between 128 and 10240 MB/],
    ['FunctionsByTier', '{"1024":"bad name!"}', /functionsByTier\.1024: a Lambda function name/],
    ['Region', 'Virginia', /region: an AWS region/],
    ['RedisUrl', 'http://x:6379', /redisUrl: a redis:\/\/ or rediss:\/\/ URL/],
    ['BucketName', 'No_Such', /bucket: an S3 bucket name/],
  ])('rejects a bad %s (%s) naming the field', (key, value, message) => {
    expect(() => lambdaConfigFromStackOutputs({ ...deployedOutputs(), [key]: value }, 'Wukong')).toThrow(message);
  });
});

describe('selectStackOutputs', () => {
  it('takes the only stack of the file', () => {
    expect(selectStackOutputs({ WukongDev: { Region: 'eu-west-1' } })).toEqual({ stackName: 'WukongDev', outputs: { Region: 'eu-west-1' } });
  });

  it('needs --stack when the file has several, and names them', () => {
    const file = { A: { Region: 'us-east-1' }, B: { Region: 'us-west-2' } };
    expect(() => selectStackOutputs(file)).toThrow(/several stacks \(A, B\); pick one with --stack/);
    expect(selectStackOutputs(file, 'B').outputs.Region).toBe('us-west-2');
    expect(() => selectStackOutputs(file, 'C')).toThrow(/no stack "C" in the outputs file; it has: A, B/);
  });

  it.each([[[]], ['text'], [{ Stack: 'not an object' }], [{}]])('rejects %j as an outputs file', (file) => {
    expect(() => selectStackOutputs(file)).toThrow(BadInputError);
  });
});

describe('LambdaConfig', () => {
  const config: LambdaConfig = lambdaConfigFromStackOutputs(deployedOutputs(), 'Wukong');

  it('finds the function of a tier, and lists the tiers when one is missing', () => {
    expect(functionNameForTier(config, 3008)).toBe('Wukong-executor-3008');
    expect(() => functionNameForTier(config, 1769)).toThrow(/no executor function for 1769 MB; deployed tiers: 1024, 3008 MB/);
  });

  it('accepts local endpoints and rejects unknown keys', () => {
    const local = parseLambdaConfig({ ...config, endpoints: { lambda: 'http://127.0.0.1:9001', s3: 'http://127.0.0.1:4568' } }, 'test');
    expect(local.endpoints?.lambda).toBe('http://127.0.0.1:9001');
    expect(() => parseLambdaConfig({ ...config, functions: {} }, 'cfg.json')).toThrow(/^cfg\.json: .*functions/);
    expect(() => parseLambdaConfig({ ...config, version: 2 }, 'cfg.json')).toThrow(/cfg\.json: version/);
  });

  it('loads a written config and explains a missing one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wk-lambda-config-'));
    const file = join(dir, 'lambda.json');
    writeFileSync(file, JSON.stringify(config));
    expect(await loadLambdaConfig(file)).toEqual(config);
    await expect(loadLambdaConfig(join(dir, 'missing.json'))).rejects.toThrow(/no Lambda config at .*missing\.json; .*wukong config from-stack/);
    // A relative path is named as the absolute one tried (from a subdirectory it is not the
    // project's), and the local way to get a config is named beside the AWS one.
    await expect(loadLambdaConfig('.wukong/no-such-lambda.json')).rejects.toThrow(`no Lambda config at ${join(process.cwd(), '.wukong/no-such-lambda.json')}; for a local stack run \`wukong local up\``);
    writeFileSync(file, '{ not json');
    await expect(loadLambdaConfig(file)).rejects.toThrow(/lambda\.json is not JSON/);
  });
});
