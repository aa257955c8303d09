import { aws_s3 as s3, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/**
 * The only key prefix executors use in the bucket: intermediates live under `wk/{runId}/`
 * (src/runtime/keys.ts). IAM and the lifecycle rule are both scoped to it.
 */
export const INTERMEDIATE_PREFIX = 'wk/';

export interface IntermediateBucketProps {
  expiryDays: number;
}

/**
 * The S3 bucket for large intermediates. Private (all public access blocked, bucket-owner objects
 * only), encrypted with S3-managed keys (SSE-KMS would add a KMS call and permission per request),
 * TLS-only. Intermediates expire on their own, and `cdk destroy` empties and deletes the bucket:
 * nothing in it outlives a run by design.
 */
export class IntermediateBucket extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: IntermediateBucketProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: false,
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
      lifecycleRules: [
        {
          id: 'expire-intermediates',
          prefix: INTERMEDIATE_PREFIX,
          expiration: Duration.days(props.expiryDays),
          // Multipart uploads of a crashed executor would otherwise be billed forever.
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
    });
  }
}
