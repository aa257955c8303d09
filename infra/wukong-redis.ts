import { aws_ec2 as ec2, aws_elasticache as elasticache, aws_secretsmanager as secretsmanager, Fn } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { REDIS_PORT } from './wukong-network.js';

export interface WukongRedisProps {
  vpc: ec2.IVpc;
  subnets: ec2.SubnetSelection;
  securityGroup: ec2.ISecurityGroup;
  nodeType: string;
  engineVersion: string;
  replicas: number;
}

/**
 * The coordination store: ElastiCache for Valkey (Redis-compatible), cluster mode disabled so
 * ioredis talks to one primary endpoint and multi-key Lua scripts need no hash tags. TLS in transit
 * is required (clients use `rediss://`) and data is encrypted at rest. Access needs both the
 * network (the security group admits the executor functions, and the optional client group, on
 * 6379) and Redis AUTH: a 64-character token generated into a Secrets Manager secret. The
 * functions get it in their Redis URL (a CloudFormation dynamic reference, resolved at deploy:
 * the template never holds it); clients read it from the secret (stack output RedisAuthSecretArn).
 *
 * A node-based replication group rather than ElastiCache Serverless: its latency is steady (GET
 * p50 ~0.4 ms in-AZ, DESIGN.md §6) and it costs nothing per request, which suits fan-in marks from
 * thousands of executors.
 */
export class WukongRedis extends Construct {
  readonly replicationGroup: elasticache.CfnReplicationGroup;
  /** The primary endpoint's host name and port (tokens until deploy). */
  readonly host: string;
  readonly port: string;
  /** `rediss://host:port`, without the token (safe to print and to output). */
  readonly url: string;
  /** `rediss://:TOKEN@host:port` as a dynamic reference, for the functions' environment. */
  readonly authenticatedUrl: string;
  /** The secret holding the AUTH token. */
  readonly authSecret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: WukongRedisProps) {
    super(scope, id);
    const subnetGroup = new elasticache.CfnSubnetGroup(this, 'Subnets', {
      description: 'wukong Redis subnets (isolated)',
      subnetIds: props.vpc.selectSubnets(props.subnets).subnetIds,
    });
    // ElastiCache AUTH tokens: 16-128 printable characters without @ " /; alphanumeric keeps the URL plain.
    this.authSecret = new secretsmanager.Secret(this, 'AuthToken', {
      description: 'wukong Redis AUTH token',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    const token = this.authSecret.secretValue.unsafeUnwrap();
    const withReplicas = props.replicas > 0;
    this.replicationGroup = new elasticache.CfnReplicationGroup(this, 'ReplicationGroup', {
      replicationGroupDescription: 'wukong coordination store (fan-in marks, claims, run inboxes, metadata)',
      engine: 'valkey',
      engineVersion: props.engineVersion,
      cacheNodeType: props.nodeType,
      numCacheClusters: 1 + props.replicas,
      automaticFailoverEnabled: withReplicas,
      multiAzEnabled: withReplicas,
      cacheSubnetGroupName: subnetGroup.ref,
      securityGroupIds: [props.securityGroup.securityGroupId],
      port: REDIS_PORT,
      transitEncryptionEnabled: true,
      transitEncryptionMode: 'required',
      atRestEncryptionEnabled: true,
      authToken: token,
      // A run's state expires with its TTL, so snapshots would only cost; keep the metadata
      // history (what the planner learns from) with `wukong metadata export` instead.
      snapshotRetentionLimit: 0,
    });
    this.host = this.replicationGroup.attrPrimaryEndPointAddress;
    this.port = this.replicationGroup.attrPrimaryEndPointPort;
    this.url = Fn.join('', ['rediss://', this.host, ':', this.port]);
    this.authenticatedUrl = Fn.join('', ['rediss://:', token, '@', this.host, ':', this.port]);
  }
}
