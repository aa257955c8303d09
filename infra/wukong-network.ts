import { aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Construct } from 'constructs';

export interface WukongNetworkProps {
  maxAzs: number;
  /** Create the client security group (see WukongStackOptions.clientAccess). */
  clientAccess: boolean;
}

/** Redis's port; ElastiCache serves TLS on the same port when transit encryption is on. */
export const REDIS_PORT = 6379;
const HTTPS_PORT = 443;

/**
 * The network the executors run in. ElastiCache lives only inside a VPC, so the functions do too.
 * They sit in isolated subnets (no route to the internet, no NAT gateway: $0.045/h + $0.045/GB
 * saved) and reach AWS through VPC endpoints instead:
 * - S3 through a gateway endpoint: free, no per-GB charge, intermediates never leave AWS's network;
 * - the Lambda API (executors invoke executors) through an interface endpoint: about $0.01 per
 *   AZ-hour plus $0.01 per GB (us-east-1), i.e. ~$15/month with two AZs; this is the one standing
 *   cost of the network, and why the VPC spans at most two AZs.
 * Lambda's own log delivery does not go through the function's VPC, so no Logs endpoint is needed.
 *
 * Public subnets (free without NAT) exist only to host the client that runs `wukong submit`.
 */
export class WukongNetwork extends Construct {
  readonly vpc: ec2.Vpc;
  /** Attached to every executor function; the only group Redis admits besides the client's. */
  readonly functionsSecurityGroup: ec2.SecurityGroup;
  readonly redisSecurityGroup: ec2.SecurityGroup;
  readonly lambdaEndpointSecurityGroup: ec2.SecurityGroup;
  readonly clientSecurityGroup: ec2.SecurityGroup | undefined;
  readonly functionSubnets: ec2.SubnetSelection = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
  readonly clientSubnets: ec2.SubnetSelection = { subnetType: ec2.SubnetType.PUBLIC };

  constructor(scope: Construct, id: string, props: WukongNetworkProps) {
    super(scope, id);
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: props.maxAzs,
      natGateways: 0,
      // The default security group is unused; strip its rules so nothing lands in it by accident.
      restrictDefaultSecurityGroup: true,
      subnetConfiguration: [
        { name: 'executors', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 20 },
        { name: 'client', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
      ],
    });

    this.functionsSecurityGroup = new ec2.SecurityGroup(this, 'Functions', {
      vpc: this.vpc,
      description: 'wukong executor functions',
      allowAllOutbound: false,
    });
    this.redisSecurityGroup = new ec2.SecurityGroup(this, 'Redis', {
      vpc: this.vpc,
      description: 'wukong Redis: executor functions (and the client group) on 6379 only',
      allowAllOutbound: false,
    });
    this.lambdaEndpointSecurityGroup = new ec2.SecurityGroup(this, 'LambdaEndpoint', {
      vpc: this.vpc,
      description: 'wukong Lambda API endpoint: HTTPS from executor functions (and the client group)',
      allowAllOutbound: false,
    });

    // Executors talk to Redis, and over HTTPS to the endpoints. The isolated subnets have no route
    // to the internet, so HTTPS "anywhere" reaches only the S3 gateway and the Lambda endpoint.
    this.redisSecurityGroup.addIngressRule(this.functionsSecurityGroup, ec2.Port.tcp(REDIS_PORT), 'executor functions');
    this.functionsSecurityGroup.addEgressRule(this.redisSecurityGroup, ec2.Port.tcp(REDIS_PORT), 'Redis');
    this.functionsSecurityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(HTTPS_PORT), 'S3 gateway and Lambda endpoints');
    this.lambdaEndpointSecurityGroup.addIngressRule(this.functionsSecurityGroup, ec2.Port.tcp(HTTPS_PORT), 'executor functions');

    if (props.clientAccess) {
      this.clientSecurityGroup = new ec2.SecurityGroup(this, 'Client', {
        vpc: this.vpc,
        description: 'attach to the host that runs wukong submit: reaches Redis and the Lambda endpoint',
        allowAllOutbound: true,
      });
      this.redisSecurityGroup.addIngressRule(this.clientSecurityGroup, ec2.Port.tcp(REDIS_PORT), 'wukong client');
      this.lambdaEndpointSecurityGroup.addIngressRule(this.clientSecurityGroup, ec2.Port.tcp(HTTPS_PORT), 'wukong client');
    }

    this.vpc.addGatewayEndpoint('S3', {
      service: ec2.GatewayVpcEndpointAwsService.S3,
      subnets: [this.functionSubnets, this.clientSubnets],
    });
    this.vpc.addInterfaceEndpoint('LambdaApi', {
      service: ec2.InterfaceVpcEndpointAwsService.LAMBDA,
      subnets: this.functionSubnets,
      securityGroups: [this.lambdaEndpointSecurityGroup],
      // Private DNS makes lambda.<region>.amazonaws.com resolve to the endpoint inside the VPC, so
      // the SDK needs no endpoint override.
      privateDnsEnabled: true,
      open: false,
    });
  }
}
