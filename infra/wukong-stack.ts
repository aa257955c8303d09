import { Aws, aws_lambda as lambda, CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { STACK_OUTPUT_KEYS } from '../src/runtime/lambda-config.js';
import { ExecutorFunctions } from './executor-functions.js';
import { IntermediateBucket } from './intermediate-bucket.js';
import { parseStackOptions, type WukongStackOptions, type WukongStackOptionsInput } from './stack-options.js';
import { WukongNetwork } from './wukong-network.js';
import { WukongRedis } from './wukong-redis.js';

export interface WukongStackProps extends StackProps {
  /**
   * The executor code. infra/app.ts passes the esbuild bundle (`Code.fromAsset('dist-lambda')`);
   * synth tests pass `Code.fromInline(...)` so they need no bundle.
   */
  executorCode: lambda.Code;
  /** `<file>.<export>` in the bundle. */
  executorHandler?: string;
  /** Raw options (defaults applied here); see stack-options.ts. */
  options?: WukongStackOptionsInput;
}

/** The bundle's entry: dist-lambda/handler.mjs exporting `handler`. */
export const DEFAULT_EXECUTOR_HANDLER = 'handler.handler';

/**
 * Everything a wukong run needs on AWS: executor functions per memory tier, the intermediate
 * bucket, Redis for coordination, the VPC they share, and least-privilege IAM. Its outputs are
 * what `wukong config from-stack` turns into .wukong/lambda.json.
 */
export class WukongStack extends Stack {
  readonly options: WukongStackOptions;
  readonly network: WukongNetwork;
  readonly intermediates: IntermediateBucket;
  readonly redis: WukongRedis;
  readonly executors: ExecutorFunctions;

  constructor(scope: Construct, id: string, props: WukongStackProps) {
    super(scope, id, props);
    this.options = parseStackOptions(props.options);
    const options = this.options;

    this.network = new WukongNetwork(this, 'Network', { maxAzs: options.maxAzs, clientAccess: options.clientAccess });
    this.intermediates = new IntermediateBucket(this, 'Intermediates', { expiryDays: options.intermediateExpiryDays });
    this.redis = new WukongRedis(this, 'Redis', {
      vpc: this.network.vpc,
      subnets: this.network.functionSubnets,
      securityGroup: this.network.redisSecurityGroup,
      nodeType: options.redisNodeType,
      engineVersion: options.redisEngineVersion,
      replicas: options.redisReplicas,
    });
    this.executors = new ExecutorFunctions(this, 'Executors', {
      code: props.executorCode,
      handler: props.executorHandler ?? DEFAULT_EXECUTOR_HANDLER,
      tiersMb: options.tiersMb,
      functionNamePrefix: executorFunctionPrefix(this.stackName),
      architecture: options.architecture,
      timeoutSeconds: options.timeoutSeconds,
      reservedConcurrency: options.reservedConcurrency,
      logRetentionDays: options.logRetentionDays,
      vpc: this.network.vpc,
      subnets: this.network.functionSubnets,
      securityGroup: this.network.functionsSecurityGroup,
      bucket: this.intermediates.bucket,
      redisUrl: this.redis.authenticatedUrl,
      vpcId: this.network.vpc.vpcId,
    });
    this.addOutputs();
  }

  private addOutputs(): void {
    const functionsByTier = Object.fromEntries([...this.executors.functionsByTier].map(([mb, fn]) => [String(mb), fn.functionName]));
    const output = (key: string, value: string, description: string) => new CfnOutput(this, key, { value, description });
    output(STACK_OUTPUT_KEYS.functionsByTier, this.toJsonString(functionsByTier), 'executor function name per memory tier (MB), JSON');
    output(STACK_OUTPUT_KEYS.bucketName, this.intermediates.bucket.bucketName, 'intermediate bucket (keys under wk/)');
    output(STACK_OUTPUT_KEYS.redisEndpoint, this.redis.host, 'Redis primary endpoint (TLS)');
    output(STACK_OUTPUT_KEYS.redisPort, this.redis.port, 'Redis port');
    output(STACK_OUTPUT_KEYS.redisUrl, this.redis.url, 'Redis URL for clients inside the VPC (add the AUTH token: rediss://:TOKEN@host:port)');
    output('RedisAuthSecretArn', this.redis.authSecret.secretArn, 'Secrets Manager secret holding the Redis AUTH token');
    output(STACK_OUTPUT_KEYS.region, Aws.REGION, 'region of the stack');
    output(STACK_OUTPUT_KEYS.vpcId, this.network.vpc.vpcId, 'VPC of the executors and Redis');
    const client = this.network.clientSecurityGroup;
    if (client) {
      output(STACK_OUTPUT_KEYS.clientSecurityGroupId, client.securityGroupId, 'attach to the host that runs wukong submit');
      const subnets = this.network.vpc.selectSubnets(this.network.clientSubnets).subnetIds;
      output(STACK_OUTPUT_KEYS.clientSubnetIds, subnets.join(','), 'public subnets for that host');
    }
  }
}

/** `Wukong` -> `Wukong-executor-`; functions are `<prefix><memoryMb>`. */
export function executorFunctionPrefix(stackName: string): string {
  return `${stackName}-executor-`;
}
