import { z } from 'zod';
import { DEFAULT_TTL_SECONDS } from '../storage/coordinator.js';

/**
 * Which stores a run uses, parsed once at the edge (CLI flags, Lambda env) and handed to every
 * executor host. Memory stores live in the embedded backend's main thread.
 */
/** S3's bucket naming rules (the parts that catch a typo): 3 to 63 lowercase letters, digits, dots, hyphens. */
export const S3BucketNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name: 3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit');

export const CoordinatorConfigSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('memory') }).strict(),
  z.object({ kind: z.literal('redis'), url: z.string().regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL') }).strict(),
]);

export const IntermediateConfigSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('memory') }).strict(),
  z.object({ kind: z.literal('redis'), url: z.string().regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL') }).strict(),
  z
    .object({
      kind: z.literal('s3'),
      bucket: S3BucketNameSchema,
      endpoint: z.string().url().optional(),
      region: z.string().optional(),
      forcePathStyle: z.boolean().optional(),
      /** Keys for a local stand-in (s3rver); absent: the SDK's default credential chain. */
      credentials: z.object({ accessKeyId: z.string().min(1), secretAccessKey: z.string().min(1) }).strict().optional(),
    })
    .strict(),
]);

export const StoreConfigSchema = z
  .object({
    coordinator: CoordinatorConfigSchema,
    intermediate: IntermediateConfigSchema,
    ttlSeconds: z.number().int().positive(),
  })
  .strict();

export type StoreConfig = z.infer<typeof StoreConfigSchema>;

export const MEMORY_STORES: StoreConfig = Object.freeze({
  coordinator: { kind: 'memory' },
  intermediate: { kind: 'memory' },
  ttlSeconds: DEFAULT_TTL_SECONDS,
}) as StoreConfig;

export const usesMainThreadMemory = (config: StoreConfig): boolean =>
  config.coordinator.kind === 'memory' || config.intermediate.kind === 'memory';
