import * as z from 'zod';
import { ExecutorPayloadSchema } from '../payload.js';

/**
 * A pre-warm: starts (or keeps) a container of an executor function so that its cold start
 * overlaps useful work elsewhere. It runs no task.
 */
export const PrewarmEventSchema = z.object({ kind: z.literal('prewarm') }).strict();

/** Everything an executor function is invoked with. */
export const LambdaEventSchema = z.discriminatedUnion('kind', [ExecutorPayloadSchema, PrewarmEventSchema]);

export type PrewarmEvent = z.infer<typeof PrewarmEventSchema>;
export type LambdaEvent = z.infer<typeof LambdaEventSchema>;
