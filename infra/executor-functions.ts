import { Arn, ArnFormat, aws_ec2 as ec2, aws_iam as iam, aws_lambda as lambda, aws_logs as logs, aws_s3 as s3, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { INTERMEDIATE_PREFIX } from './intermediate-bucket.js';

export interface ExecutorFunctionsProps {
  /** The bundled handler (scripts/bundle-lambda.mjs -> dist-lambda/); tests pass inline code. */
  code: lambda.Code;
  /** `<file>.<export>` inside the bundle. */
  handler: string;
  tiersMb: readonly number[];
  /** Function names are `<prefix><memoryMb>`, e.g. `Wukong-executor-1769`. */
  functionNamePrefix: string;
  architecture: 'x86_64' | 'arm64';
  timeoutSeconds: number;
  reservedConcurrency: number | undefined;
  logRetentionDays: number;
  vpc: ec2.IVpc;
  subnets: ec2.SubnetSelection;
  securityGroup: ec2.ISecurityGroup;
  bucket: s3.IBucket;
  redisUrl: string;
  /** The VPC the functions' network interfaces may be created in (narrows the ENI statement). */
  vpcId: string;
}

/** Lambda function names: at most 64 characters. */
const MAX_FUNCTION_NAME_LENGTH = 64;

/**
 * One executor function per memory tier (Lambda memory is per function, not per call), all
 * running the same bundle under one execution role. The role may do exactly what an executor
 * does: invoke the executor functions (by ARN), read/write/delete intermediates under `wk/` of the
 * bucket, list that prefix, write its own logs, and manage the VPC network interfaces Lambda
 * needs. No action is a wildcard.
 *
 * Function names are fixed (from the prefix) rather than generated, so the role can name every
 * function's ARN without depending on the functions themselves (which depend on the role).
 */
export class ExecutorFunctions extends Construct {
  readonly role: iam.Role;
  /** Memory tier (MB) -> function. */
  readonly functionsByTier: ReadonlyMap<number, lambda.Function>;

  constructor(scope: Construct, id: string, props: ExecutorFunctionsProps) {
    super(scope, id);
    const names = new Map(props.tiersMb.map((mb) => [mb, `${props.functionNamePrefix}${mb}`]));
    for (const name of names.values()) {
      if (name.length > MAX_FUNCTION_NAME_LENGTH || !/^[A-Za-z0-9_-]+$/.test(name)) {
        throw new Error(`executor function name "${name}" is not a valid Lambda name (letters, digits, - and _, at most 64); use a shorter stack name`);
      }
    }
    const functionArns = [...names.values()].map((name) =>
      Stack.of(this).formatArn({ service: 'lambda', resource: 'function', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
    );
    const logGroups = new Map(
      [...names].map(([mb, name]) => [
        mb,
        new logs.LogGroup(this, `Logs${mb}`, {
          logGroupName: `/aws/lambda/${name}`,
          retention: props.logRetentionDays as logs.RetentionDays,
          removalPolicy: RemovalPolicy.DESTROY,
        }),
      ]),
    );

    // Inline policies live in the role resource itself, so they are in place before any function
    // is created (Lambda checks the network-interface permissions at creation).
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'wukong executors: invoke executors, intermediates under wk/, own logs, VPC ENIs',
      inlinePolicies: {
        executor: new iam.PolicyDocument({
          statements: executorStatements({
            functionArns,
            bucketArn: props.bucket.bucketArn,
            logGroupArns: [...logGroups.values()].map((group) => group.logGroupArn),
            vpcArn: Arn.format({ service: 'ec2', resource: 'vpc', resourceName: props.vpcId }, Stack.of(this)),
          }),
        }),
      },
    });

    const functions = new Map<number, lambda.Function>();
    for (const [mb, name] of names) {
      functions.set(
        mb,
        new lambda.Function(this, `Executor${mb}`, {
          functionName: name,
          description: `wukong executor, ${mb} MB`,
          runtime: lambda.Runtime.NODEJS_22_X,
          architecture: props.architecture === 'arm64' ? lambda.Architecture.ARM_64 : lambda.Architecture.X86_64,
          code: props.code,
          handler: props.handler,
          memorySize: mb,
          timeout: Duration.seconds(props.timeoutSeconds),
          reservedConcurrentExecutions: props.reservedConcurrency,
          role: this.role,
          logGroup: logGroups.get(mb),
          vpc: props.vpc,
          vpcSubnets: props.subnets,
          securityGroups: [props.securityGroup],
          // Lambda's default, stated because the runtime relies on it: a failed async invocation is
          // retried twice, and fan-in marks and claims are idempotent so a retry never counts twice.
          retryAttempts: 2,
          // Loop detection on (issue 22): a runaway DAG that keeps invoking executors is stopped
          // by Lambda, not only by the run's deadline and TTL. Lambda stops a chain of about 16
          // invocations it can trace as one loop; cap the functions' share of the account with
          // `-c reservedConcurrency=N` (README, "Deploying") so a run cannot take all of it.
          recursiveLoop: lambda.RecursiveLoop.TERMINATE,
          environment: {
            WUKONG_REDIS_URL: props.redisUrl,
            WUKONG_S3_BUCKET: props.bucket.bucketName,
            WUKONG_FUNCTION_PREFIX: props.functionNamePrefix,
            WUKONG_FUNCTIONS_BY_TIER: JSON.stringify(Object.fromEntries(names)),
            WUKONG_MEMORY_MB: String(mb),
          },
        }),
      );
    }
    this.functionsByTier = functions;
  }
}

/** The executor role's permissions; exported so tests can compare them with the template. */
export function executorStatements(targets: { functionArns: string[]; bucketArn: string; logGroupArns: string[]; vpcArn: string }): iam.PolicyStatement[] {
  const prefixPattern = `${INTERMEDIATE_PREFIX}*`;
  return [
    new iam.PolicyStatement({
      sid: 'InvokeExecutors',
      actions: ['lambda:InvokeFunction'],
      resources: targets.functionArns,
    }),
    new iam.PolicyStatement({
      sid: 'Intermediates',
      // AbortMultipartUpload: a failed multipart put (lib-storage Upload) cleans up its parts.
      actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
      resources: [`${targets.bucketArn}/${prefixPattern}`],
    }),
    new iam.PolicyStatement({
      sid: 'ListIntermediates',
      actions: ['s3:ListBucket'],
      resources: [targets.bucketArn],
      conditions: { StringLike: { 's3:prefix': [prefixPattern] } },
    }),
    new iam.PolicyStatement({
      sid: 'OwnLogs',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: targets.logGroupArns,
    }),
    new iam.PolicyStatement({
      sid: 'VpcNetworkInterfaces',
      // The changing actions of AWSLambdaVPCAccessExecutionRole, narrowed to the stack's VPC:
      // the subnet, security group and network interface each carry ec2:Vpc. IfExists, since
      // Lambda's checks name the "*" resource too (AWS documents no resource ARNs for them).
      actions: ['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
      resources: ['*'],
      conditions: { ArnEqualsIfExists: { 'ec2:Vpc': targets.vpcArn } },
    }),
    new iam.PolicyStatement({
      sid: 'VpcDescribe',
      // Describe calls support no resource-level permissions or ec2:Vpc: AWS requires "*" (read only).
      actions: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'],
      resources: ['*'],
    }),
  ];
}

