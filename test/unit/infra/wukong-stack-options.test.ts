import { App, aws_lambda as lambda } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TIERS_MB, parseStackOptions, stackOptionsFromContext } from '../../../infra/stack-options.js';
import { WukongStack } from '../../../infra/wukong-stack.js';
import { allStatements, asArray, executorFunctions, ofType, props, referencedId, synthesize, type SynthesizedStack } from './template-queries.js';

const STACK = 'WukongDev';
// One synth for the file, with every option away from its default.
let synth: SynthesizedStack;
beforeAll(() => {
  synth = synthesize(STACK, {
    tiersMb: '3008, 512',
    architecture: 'arm64',
    timeoutSeconds: '300',
    reservedConcurrency: 50,
    redisNodeType: 'cache.r7g.large',
    redisReplicas: 1,
    intermediateExpiryDays: 3,
    logRetentionDays: 14,
    clientAccess: 'false',
  });
});

describe('WukongStack with options', () => {
  it('creates the requested tiers on arm64 with the timeout and reserved concurrency', () => {
    const functions = executorFunctions(synth.resources, STACK);
    expect(functions.map((fn) => props(fn).FunctionName).sort()).toEqual([`${STACK}-executor-3008`, `${STACK}-executor-512`]);
    for (const fn of functions) {
      expect(props(fn)).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Timeout: 300, ReservedConcurrentExecutions: 50 });
    }
  });

  it('lets the functions invoke exactly the requested tiers', () => {
    const invoke = allStatements(synth.resources).find(({ statement }) => statement.Sid === 'InvokeExecutors')!.statement;
    const names = asArray(invoke.Resource as unknown[]).map((arn) => JSON.stringify(arn).match(/:function:([A-Za-z0-9-]+)"/)?.[1]);
    expect(names.sort()).toEqual([`${STACK}-executor-3008`, `${STACK}-executor-512`]);
  });

  it('runs a replica with automatic failover and Multi-AZ on the chosen node type', () => {
    synth.template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      CacheNodeType: 'cache.r7g.large',
      NumCacheClusters: 2,
      AutomaticFailoverEnabled: true,
      MultiAZEnabled: true,
    });
  });

  it('without client access, Redis admits the functions alone and no client output exists', () => {
    const groups = ofType(synth.resources, 'AWS::EC2::SecurityGroup');
    expect(groups.some(([, group]) => /^attach to the host/.test(String(props(group).GroupDescription)))).toBe(false);
    const redisGroup = groups.find(([, group]) => /^wukong Redis/.test(String(props(group).GroupDescription)))![0];
    const ingress = ofType(synth.resources, 'AWS::EC2::SecurityGroupIngress').filter(([, rule]) => referencedId(props(rule).GroupId) === redisGroup);
    expect(ingress).toHaveLength(1);
    expect(synth.outputs.ClientSecurityGroupId).toBeUndefined();
    expect(synth.outputs.FunctionsByTier).toBeDefined();
  });

  it('uses the expiry and log retention asked for', () => {
    synth.template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: [{ Id: 'expire-intermediates', Prefix: 'wk/', ExpirationInDays: 3, Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }] },
    });
    const logGroups = ofType(synth.resources, 'AWS::Logs::LogGroup');
    expect(logGroups).toHaveLength(2);
    for (const [, group] of logGroups) expect(props(group).RetentionInDays).toBe(14);
  });
});

describe('stack options', () => {
  it('defaults to the four tiers, x86_64, 900 s, one Redis node, client access', () => {
    const options = parseStackOptions(undefined);
    expect(options).toMatchObject({
      tiersMb: [...DEFAULT_TIERS_MB],
      architecture: 'x86_64',
      timeoutSeconds: 900,
      redisReplicas: 0,
      intermediateExpiryDays: 1,
      clientAccess: true,
    });
    expect(options.reservedConcurrency).toBeUndefined();
  });

  it('reads CDK context strings (`-c key=value`), sorting tiers', () => {
    const context: Record<string, string> = { tiers: '10240,1024', architecture: 'arm64', timeoutSeconds: '60', clientAccess: 'false', redisReplicas: '2' };
    const options = stackOptionsFromContext((key) => context[key]);
    expect(options).toMatchObject({ tiersMb: [1024, 10_240], architecture: 'arm64', timeoutSeconds: 60, clientAccess: false, redisReplicas: 2 });
  });

  it.each([
    [{ tiersMb: '64' }, /tiersMb\.0: .*128/],
    [{ tiersMb: '1024,1024' }, /tiersMb: memory tiers must be distinct/],
    [{ tiersMb: '' }, /tiersMb/],
    [{ timeoutSeconds: 901 }, /timeoutSeconds: .*900/],
    [{ architecture: 'riscv' }, /architecture/],
    [{ logRetentionDays: 10 }, /logRetentionDays: one of 1, 3, 5, 7, 14/],
    [{ redisNodeType: 'r7g.large' }, /redisNodeType: an ElastiCache node type/],
    [{ clientAccess: 'yes' }, /clientAccess/],
    [{ tiers: '1024' }, /Unrecognized key.*tiers/i],
    [{ maxAzs: 3 }, /maxAzs/],
    [{ maxAzs: 1, redisReplicas: 1 }, /redisReplicas: Redis replicas \(Multi-AZ\) need maxAzs 2/],
  ])('rejects %o naming the field', (raw, message) => {
    expect(() => parseStackOptions(raw)).toThrow(message);
  });

  it('refuses a stack name that makes executor names longer than Lambda allows', () => {
    const app = new App();
    const longName = `Wukong${'x'.repeat(60)}`;
    expect(() => new WukongStack(app, longName, { executorCode: lambda.Code.fromInline('exports.handler = async () => {};') })).toThrow(
      /not a valid Lambda name.*shorter stack name/,
    );
  });
});
