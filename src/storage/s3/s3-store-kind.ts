import * as z from 'zod';
import type { StoreKindDefinition } from '../store-registry.js';

/** S3's bucket naming rules (the parts that catch a typo): 3 to 63 lowercase letters, digits, dots, hyphens. */
export const S3BucketNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name: 3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit');

export const S3StoreConfigSchema = z
  .object({
    kind: z.literal('s3'),
    bucket: S3BucketNameSchema,
    endpoint: z.string().url().optional(),
    region: z.string().optional(),
    forcePathStyle: z.boolean().optional(),
    /** Keys for a local stand-in (s3rver); absent: the SDK's default credential chain. */
    credentials: z.object({ accessKeyId: z.string().min(1), secretAccessKey: z.string().min(1) }).strict().optional(),
  })
  .strict();
export type S3StoreConfig = z.infer<typeof S3StoreConfigSchema>;

/** S3 (or s3rver): intermediates of any size; no coordination (it has no atomic set operations). */
export const s3StoreKind: StoreKindDefinition<S3StoreConfig> = {
  kind: 's3',
  configSchema: S3StoreConfigSchema,
  // Loaded only when configured, so other executors never load the AWS SDK.
  openIntermediate: async (config) =>
    new (await import('./s3-intermediate-store.js')).S3IntermediateStore({
      bucket: config.bucket,
      ...(config.endpoint ? { endpoint: config.endpoint } : {}),
      ...(config.region ? { region: config.region } : {}),
      ...(config.forcePathStyle !== undefined ? { forcePathStyle: config.forcePathStyle } : {}),
      ...(config.credentials ? { credentials: config.credentials } : {}),
    }),
};
