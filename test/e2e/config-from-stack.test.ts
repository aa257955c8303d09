import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LambdaConfigSchema } from '../../src/runtime/lambda-config.js';

/** Runs the built CLI as a user would, in `cwd`. */
function wukong(args: string[], cwd: string) {
  const result = spawnSync(process.execPath, [join(process.cwd(), 'bin/wukong.js'), ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** What `cdk deploy --outputs-file` writes for infra/app.ts's stack (values are strings). */
const stackOutputs = {
  FunctionsByTier: '{"1024":"Wukong-executor-1024","1769":"Wukong-executor-1769","3008":"Wukong-executor-3008","10240":"Wukong-executor-10240"}',
  BucketName: 'wukong-intermediatesbucket4dee5677-0abc1def2gh3',
  RedisEndpoint: 'master.wu1abc2def3ghi.xyz123.use1.cache.amazonaws.com',
  RedisPort: '6379',
  RedisUrl: 'rediss://master.wu1abc2def3ghi.xyz123.use1.cache.amazonaws.com:6379',
  Region: 'us-east-1',
  VpcId: 'vpc-0a1b2c3d4e5f67890',
  ClientSecurityGroupId: 'sg-0123456789abcdef0',
  ClientSubnetIds: 'subnet-0aaa1111bbbb2222c,subnet-0ddd3333eeee4444f',
};

function workspace(outputsFile: unknown): { dir: string; outputs: string } {
  const dir = mkdtempSync(join(tmpdir(), 'wk-config-'));
  const outputs = join(dir, 'cdk-outputs.json');
  writeFileSync(outputs, typeof outputsFile === 'string' ? outputsFile : JSON.stringify(outputsFile, null, 2));
  return { dir, outputs };
}

const noStackTrace = (text: string) => expect(text).not.toMatch(/^\s+at /m);

describe('wukong config from-stack (e2e)', () => {
  it('writes .wukong/lambda.json under the working directory from a CDK outputs file', () => {
    // Prepare
    const { dir, outputs } = workspace({ Wukong: stackOutputs });
    // Act
    const run = wukong(['config', 'from-stack', outputs], dir);
    // Assess
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ok: wrote \.wukong\/lambda\.json from stack Wukong/);
    expect(run.stdout).toMatch(/1769 MB -> Wukong-executor-1769/);
    const config = LambdaConfigSchema.parse(JSON.parse(readFileSync(join(dir, '.wukong/lambda.json'), 'utf8')));
    expect(config.region).toBe('us-east-1');
    expect(config.bucket).toBe(stackOutputs.BucketName);
    expect(config.redisUrl).toBe(stackOutputs.RedisUrl);
    expect(Object.keys(config.functionsByTier).map(Number).sort((a, b) => a - b)).toEqual([1024, 1769, 3008, 10240]);
    expect(config.functionsByTier['10240']).toBe('Wukong-executor-10240');
    expect(config.stack).toEqual({
      name: 'Wukong',
      vpcId: stackOutputs.VpcId,
      clientSecurityGroupId: stackOutputs.ClientSecurityGroupId,
      clientSubnetIds: stackOutputs.ClientSubnetIds.split(','),
    });
  });

  it('-o picks the file, --stack the stack of a multi-stack outputs file, --json prints the config', () => {
    const { dir, outputs } = workspace({ Other: { Region: 'eu-west-1' }, WukongDev: { ...stackOutputs, Region: 'eu-west-1' } });
    const target = join(dir, 'nested', 'dev.json');
    const run = wukong(['config', 'from-stack', outputs, '--stack', 'WukongDev', '-o', target, '--json'], dir);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const printed = LambdaConfigSchema.parse(JSON.parse(run.stdout));
    expect(printed.region).toBe('eu-west-1');
    expect(JSON.parse(readFileSync(target, 'utf8'))).toEqual(printed);
    expect(existsSync(join(dir, '.wukong'))).toBe(false);
  });

  it('missing outputs: exit 2, every missing output named, nothing written', () => {
    const { FunctionsByTier: _functions, RedisUrl: _redis, ...partial } = stackOutputs;
    const { dir, outputs } = workspace({ Wukong: partial });
    const run = wukong(['config', 'from-stack', outputs], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^wukong: stack "Wukong" lacks the outputs FunctionsByTier, RedisUrl/);
    noStackTrace(run.stderr);
    expect(run.stdout).toBe('');
    expect(existsSync(join(dir, '.wukong'))).toBe(false);
  });

  it.each([
    ['a file with several stacks and no --stack', { A: stackOutputs, B: stackOutputs }, [], /several stacks \(A, B\); pick one with --stack/],
    ['an unknown --stack', { Wukong: stackOutputs }, ['--stack', 'Nope'], /no stack "Nope" in the outputs file; it has: Wukong/],
    ['a bad tier in FunctionsByTier', { Wukong: { ...stackOutputs, FunctionsByTier: '{"99999":"f"}' } }, [], /functionsByTier\.99999: a memory tier between 128 and 10240 MB/],
    ['a file that is not JSON', '{ "Wukong": ', [], /cdk-outputs\.json is not JSON/],
  ])('%s: exit 2 with a clear message', (_case, file, extra, message) => {
    const { dir, outputs } = workspace(file);
    const run = wukong(['config', 'from-stack', outputs, ...(extra as string[])], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    noStackTrace(run.stderr);
    expect(existsSync(join(dir, '.wukong'))).toBe(false);
  });

  it('a missing outputs file: exit 2 naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wk-config-'));
    const run = wukong(['config', 'from-stack', 'nowhere.json'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^wukong: no such file: nowhere\.json/);
  });
});
