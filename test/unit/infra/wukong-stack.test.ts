import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TIERS_MB } from '../../../infra/stack-options.js';
import { lambdaConfigFromStackOutputs, STACK_OUTPUT_KEYS } from '../../../src/runtime/lambda-config.js';
import {
  allStatements,
  asArray,
  executorFunctions,
  isUnscoped,
  ofType,
  props,
  referencedId,
  synthesize,
  type CfnResource,
  type IamStatement,
  type SynthesizedStack,
} from './template-queries.js';

const STACK = 'Wukong';
// One synth for the whole file: CDK synth takes seconds.
let synth: SynthesizedStack;
beforeAll(() => {
  synth = synthesize(STACK);
});

const logicalIdOf = (type: string, match: (resource: CfnResource) => boolean): string => {
  const found = ofType(synth.resources, type).filter(([, resource]) => match(resource));
  expect(found).toHaveLength(1);
  return found[0]![0];
};
const securityGroupId = (description: RegExp) =>
  logicalIdOf('AWS::EC2::SecurityGroup', (resource) => description.test(String(props(resource).GroupDescription)));

describe('WukongStack (default options): executor functions', () => {
  it('has one nodejs22.x function per default memory tier, named <stack>-executor-<mb>', () => {
    const functions = executorFunctions(synth.resources, STACK);
    expect(functions.map((fn) => props(fn).MemorySize).sort((a, b) => Number(a) - Number(b))).toEqual([...DEFAULT_TIERS_MB]);
    for (const fn of functions) {
      const p = props(fn);
      expect(p.Runtime).toBe('nodejs22.x');
      expect(p.Architectures).toEqual(['x86_64']);
      expect(p.Timeout).toBe(900);
      expect(p.Handler).toBe('handler.handler');
      expect(p.FunctionName).toBe(`${STACK}-executor-${p.MemorySize}`);
      // Issue 22: loop detection on; the functions' share of the account is -c reservedConcurrency.
      expect(p.RecursiveLoop).toBe('Terminate');
      expect(p.ReservedConcurrentExecutions).toBeUndefined();
    }
  });

  it('tells each function its tier, the bucket, Redis over TLS and the other executors', () => {
    const bucketId = logicalIdOf('AWS::S3::Bucket', () => true);
    for (const fn of executorFunctions(synth.resources, STACK)) {
      const env = (props(fn).Environment as { Variables: Record<string, unknown> }).Variables;
      expect(env.WUKONG_MEMORY_MB).toBe(String(props(fn).MemorySize));
      expect(referencedId(env.WUKONG_S3_BUCKET)).toBe(bucketId);
      expect(JSON.stringify(env.WUKONG_REDIS_URL)).toMatch(/"rediss:\/\/:\{\{resolve:secretsmanager:.*:SecretString:::\}\}@".*PrimaryEndPoint\.Address.*PrimaryEndPoint\.Port/);
      expect(env.WUKONG_FUNCTION_PREFIX).toBe(`${STACK}-executor-`);
      const byTier = JSON.parse(String(env.WUKONG_FUNCTIONS_BY_TIER)) as Record<string, string>;
      expect(byTier).toEqual(Object.fromEntries(DEFAULT_TIERS_MB.map((mb) => [String(mb), `${STACK}-executor-${mb}`])));
    }
  });

  it('runs the functions in the isolated subnets with the functions security group', () => {
    const functionsGroup = securityGroupId(/executor functions$/);
    const isolatedSubnets = ofType(synth.resources, 'AWS::EC2::Subnet')
      .filter(([, subnet]) => (props(subnet).Tags as { Key: string; Value: string }[]).some((t) => t.Key === 'aws-cdk:subnet-type' && t.Value === 'Isolated'))
      .map(([id]) => id)
      .sort();
    expect(isolatedSubnets).toHaveLength(2);
    for (const fn of executorFunctions(synth.resources, STACK)) {
      const vpc = props(fn).VpcConfig as { SecurityGroupIds: unknown[]; SubnetIds: unknown[] };
      expect(vpc.SecurityGroupIds.map(referencedId)).toEqual([functionsGroup]);
      expect(vpc.SubnetIds.map(referencedId).sort()).toEqual(isolatedSubnets);
    }
  });

  it('retries failed async invocations twice, as the runtime expects', () => {
    const configs = ofType(synth.resources, 'AWS::Lambda::EventInvokeConfig');
    expect(configs).toHaveLength(DEFAULT_TIERS_MB.length);
    for (const [, config] of configs) expect(props(config).MaximumRetryAttempts).toBe(2);
  });

  it('gives every executor its own log group with a retention', () => {
    for (const fn of executorFunctions(synth.resources, STACK)) {
      const logGroupId = referencedId((props(fn).LoggingConfig as { LogGroup: unknown }).LogGroup);
      const group = synth.resources[logGroupId!]!;
      expect(props(group)).toMatchObject({ LogGroupName: `/aws/lambda/${props(fn).FunctionName}`, RetentionInDays: 7 });
    }
  });
});

describe('WukongStack (default options): intermediate bucket', () => {
  it('expires wk/ after a day, blocks public access, encrypts, and is deleted with the stack', () => {
    synth.template.resourceCountIs('AWS::S3::Bucket', 1);
    synth.template.hasResource('AWS::S3::Bucket', {
      UpdateReplacePolicy: 'Delete',
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({
        LifecycleConfiguration: {
          Rules: [Match.objectLike({ Prefix: 'wk/', ExpirationInDays: 1, Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } })],
        },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      }),
    });
  });

  it('denies every request that is not over TLS', () => {
    const denies = allStatements(synth.resources).filter(({ statement }) => statement.Effect === 'Deny');
    expect(denies.some(({ statement }) => (statement.Condition?.Bool as Record<string, unknown> | undefined)?.['aws:SecureTransport'] === 'false')).toBe(true);
  });
});

describe('WukongStack (default options): Redis and the network', () => {
  it('runs Valkey with TLS in transit required and encryption at rest', () => {
    synth.template.resourceCountIs('AWS::ElastiCache::ReplicationGroup', 1);
    synth.template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      Engine: 'valkey',
      TransitEncryptionEnabled: true,
      TransitEncryptionMode: 'required',
      AtRestEncryptionEnabled: true,
      Port: 6379,
      NumCacheClusters: 1,
    });
  });

  it('admits only the functions and the client group to Redis, on 6379 only, from no CIDR', () => {
    const redisGroup = securityGroupId(/^wukong Redis/);
    const functionsGroup = securityGroupId(/executor functions$/);
    const clientGroup = securityGroupId(/^attach to the host/);
    const group = synth.resources[redisGroup]!;
    expect(props(group).SecurityGroupIngress).toBeUndefined();
    const ingress = ofType(synth.resources, 'AWS::EC2::SecurityGroupIngress').filter(([, rule]) => referencedId(props(rule).GroupId) === redisGroup);
    expect(ingress.map(([, rule]) => referencedId(props(rule).SourceSecurityGroupId)).sort()).toEqual([clientGroup, functionsGroup].sort());
    for (const [, rule] of ingress) expect(props(rule)).toMatchObject({ IpProtocol: 'tcp', FromPort: 6379, ToPort: 6379 });
    const redis = ofType(synth.resources, 'AWS::ElastiCache::ReplicationGroup')[0]![1];
    expect((props(redis).SecurityGroupIds as unknown[]).map(referencedId)).toEqual([redisGroup]);
  });

  it('reaches S3 through a gateway endpoint and the Lambda API through a private interface endpoint, without NAT', () => {
    synth.template.resourceCountIs('AWS::EC2::NatGateway', 0);
    synth.template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Gateway',
      ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.s3']] },
    });
    synth.template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Interface',
      PrivateDnsEnabled: true,
      ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.lambda']] },
    });
    const endpointGroup = securityGroupId(/Lambda API endpoint/);
    const ingress = ofType(synth.resources, 'AWS::EC2::SecurityGroupIngress').filter(([, rule]) => referencedId(props(rule).GroupId) === endpointGroup);
    expect(ingress).toHaveLength(2);
    for (const [, rule] of ingress) expect(props(rule)).toMatchObject({ FromPort: 443, ToPort: 443 });
    expect(props(synth.resources[endpointGroup]!).SecurityGroupIngress).toBeUndefined();
  });
});

describe('WukongStack (default options): IAM', () => {
  const executorStatements = (): IamStatement[] => {
    const roleId = logicalIdOf('AWS::IAM::Role', (role) => /^wukong executors/.test(String(props(role).Description)));
    for (const fn of executorFunctions(synth.resources, STACK)) expect(referencedId(props(fn).Role)).toBe(roleId);
    return allStatements(synth.resources)
      .filter(({ owner }) => owner === roleId)
      .map(({ statement }) => statement);
  };
  const bySid = (sid: string) => {
    const found = executorStatements().filter((statement) => statement.Sid === sid);
    expect(found).toHaveLength(1);
    return found[0]!;
  };

  it('grants the executor role exactly six statements, all Allow, with no wildcard action', () => {
    const statements = executorStatements();
    expect(statements.map((s) => s.Sid).sort()).toEqual(['Intermediates', 'InvokeExecutors', 'ListIntermediates', 'OwnLogs', 'VpcDescribe', 'VpcNetworkInterfaces']);
    for (const statement of statements) {
      expect(statement.Effect).toBe('Allow');
      for (const action of asArray(statement.Action)) expect(action).toMatch(/^[a-z0-9]+:[A-Za-z]+$/);
    }
  });

  it('may invoke only the executor functions, by ARN', () => {
    const invoke = bySid('InvokeExecutors');
    expect(asArray(invoke.Action)).toEqual(['lambda:InvokeFunction']);
    const resources = asArray(invoke.Resource as unknown[]);
    expect(isUnscoped(resources)).toBe(false);
    const names = resources.map((arn) => JSON.stringify(arn).match(/:function:([A-Za-z0-9-]+)"/)?.[1]).sort();
    expect(names).toEqual(executorFunctions(synth.resources, STACK).map((fn) => String(props(fn).FunctionName)).sort());
  });

  it('may read, write and delete objects only under wk/ of the bucket', () => {
    const objects = bySid('Intermediates');
    expect(asArray(objects.Action).sort()).toEqual(['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:GetObject', 's3:PutObject']);
    const bucketId = logicalIdOf('AWS::S3::Bucket', () => true);
    expect(objects.Resource).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/wk/*']] });
  });

  it('may list the bucket only under the wk/ prefix', () => {
    const list = bySid('ListIntermediates');
    expect(asArray(list.Action)).toEqual(['s3:ListBucket']);
    expect(referencedId(list.Resource)).toBe(logicalIdOf('AWS::S3::Bucket', () => true));
    expect(list.Condition).toEqual({ StringLike: { 's3:prefix': ['wk/*'] } });
  });

  it('may write only to its own log groups; only the ENI statements (EC2 requires it) are unscoped', () => {
    const logs = bySid('OwnLogs');
    expect(asArray(logs.Action).sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
    const groups = ofType(synth.resources, 'AWS::Logs::LogGroup').map(([id]) => id).sort();
    expect(asArray(logs.Resource as unknown[]).map(referencedId).sort()).toEqual(groups);
    const unscoped = executorStatements().filter((statement) => isUnscoped(statement.Resource));
    expect(unscoped.map((s) => s.Sid).sort()).toEqual(['VpcDescribe', 'VpcNetworkInterfaces']);
    for (const statement of unscoped) expect(asArray(statement.Action).every((action) => action.startsWith('ec2:'))).toBe(true);
  });

  it('may change network interfaces only in the stack\'s VPC (ec2:Vpc condition); the unconditioned rest only describes', () => {
    const change = bySid('VpcNetworkInterfaces');
    expect(asArray(change.Action).sort()).toEqual(['ec2:AssignPrivateIpAddresses', 'ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface', 'ec2:UnassignPrivateIpAddresses']);
    const vpcArn = (change.Condition as { ArnEqualsIfExists?: Record<string, unknown> } | undefined)?.ArnEqualsIfExists?.['ec2:Vpc'];
    const vpcId = logicalIdOf('AWS::EC2::VPC', () => true);
    expect(JSON.stringify(vpcArn)).toMatch(new RegExp(`:vpc/",\\{"Ref":"${vpcId}"\\}`));
    const describe = bySid('VpcDescribe');
    expect(asArray(describe.Action).sort()).toEqual(['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets']);
  });

  it('nowhere in the template allows lambda: or s3: actions on "*"', () => {
    const allows = allStatements(synth.resources).filter(({ statement }) => statement.Effect === 'Allow');
    expect(allows.length).toBeGreaterThan(5);
    for (const { owner, statement } of allows) {
      const touchesDataPlane = asArray(statement.Action).some((action) => action.startsWith('lambda:') || action.startsWith('s3:'));
      if (touchesDataPlane) expect({ owner, unscoped: isUnscoped(statement.Resource) }).toEqual({ owner, unscoped: false });
    }
  });
});

describe('WukongStack (default options): outputs', () => {
  it('has every output `wukong config from-stack` reads', () => {
    expect(Object.keys(synth.outputs).sort()).toEqual([...Object.values(STACK_OUTPUT_KEYS), 'RedisAuthSecretArn'].sort());
  });

  it('resolves, once deployed, to a valid Lambda config naming every executor function', () => {
    const outputs = Object.fromEntries(Object.entries(synth.outputs).map(([key, output]) => [key, resolveAsDeployed(output.Value, synth.resources)]));
    const config = lambdaConfigFromStackOutputs(outputs, STACK);
    expect(config.region).toBe('us-east-1');
    expect(config.redisUrl).toBe('rediss://master.wukong.cache.amazonaws.com:6379');
    expect(config.functionsByTier).toEqual(Object.fromEntries(DEFAULT_TIERS_MB.map((mb) => [String(mb), `${STACK}-executor-${mb}`])));
    expect(config.stack?.clientSubnetIds).toHaveLength(2);
  });
});

/** Stands in for CloudFormation: resolves an output value as a deployment would. */
function resolveAsDeployed(value: unknown, resources: Record<string, CfnResource>): string {
  if (typeof value === 'string') return value;
  const record = value as Record<string, unknown>;
  if (record.Ref === 'AWS::Region') return 'us-east-1';
  if (typeof record.Ref === 'string') {
    const resource = resources[record.Ref]!;
    if (resource.Type === 'AWS::Lambda::Function') return String(props(resource).FunctionName);
    if (resource.Type === 'AWS::S3::Bucket') return 'wukong-intermediatesbucket-abc123';
    return `${resource.Type.split('::')[2]!.toLowerCase()}-0123456789abcdef`;
  }
  const getAtt = record['Fn::GetAtt'] as [string, string] | undefined;
  if (getAtt?.[1] === 'PrimaryEndPoint.Address') return 'master.wukong.cache.amazonaws.com';
  if (getAtt?.[1] === 'PrimaryEndPoint.Port') return '6379';
  if (getAtt) return `sg-${getAtt[0].length}`;
  const join = record['Fn::Join'] as [string, unknown[]] | undefined;
  if (join) return join[1].map((part) => resolveAsDeployed(part, resources)).join(join[0]);
  throw new Error(`cannot resolve ${JSON.stringify(value)}`);
}

describe('WukongStack (default options): Redis AUTH', () => {
  it('requires an AUTH token from a generated secret, with TLS; the token is in no output', () => {
    const [groupId, group] = ofType(synth.resources, 'AWS::ElastiCache::ReplicationGroup')[0]!;
    expect(groupId).toBeDefined();
    const p = props(group);
    expect(p.TransitEncryptionEnabled).toBe(true);
    expect(p.TransitEncryptionMode).toBe('required');
    const secrets = ofType(synth.resources, 'AWS::SecretsManager::Secret');
    expect(secrets).toHaveLength(1);
    const [secretId, secret] = secrets[0]!;
    expect(props(secret).GenerateSecretString).toMatchObject({ PasswordLength: 64, ExcludePunctuation: true });
    // A dynamic reference: CloudFormation resolves it at deploy, the template never holds the token.
    expect(JSON.stringify(p.AuthToken)).toMatch(new RegExp(`\\{\\{resolve:secretsmanager:",\\{"Ref":"${secretId}"\\},":SecretString:::\\}\\}`));
    expect(JSON.stringify(synth.outputs)).not.toMatch(/resolve:secretsmanager/);
    expect(referencedId(synth.outputs.RedisAuthSecretArn?.Value)).toBe(secretId);
  });
});
