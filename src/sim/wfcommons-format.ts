import * as z from 'zod';

/**
 * The parts of WfCommons' WfFormat (https://github.com/wfcommons/WfFormat) the importer reads.
 * WfFormat permits unknown properties everywhere, so these schemas ignore (strip) them.
 *
 * - 1.4 and earlier: `workflow.tasks` (`workflow.jobs` before 1.3), each with `name` (the key other
 *   tasks refer to), optional `id`, `parents`, `children`, `runtimeInSeconds` (`runtime` before
 *   1.4), and `files` of `{ name|id, sizeInBytes, link: "input"|"output" }`.
 * - 1.5 and 1.6: `workflow.specification.tasks` with `id`, `name`, `parents`, `children`,
 *   `inputFiles`, `outputFiles` (file ids); `workflow.specification.files` of `{ id, sizeInBytes }`;
 *   and `workflow.execution.tasks` of `{ id, runtimeInSeconds }`.
 */

const TaskRefsSchema = z.array(z.string().min(1)).optional();

export const LegacyFileSchema = z.object({
  name: z.string().optional(),
  id: z.string().optional(),
  sizeInBytes: z.number().nonnegative().optional(),
  size: z.number().nonnegative().optional(),
  link: z.enum(['input', 'output']),
});

export const LegacyTaskSchema = z.object({
  name: z.string().min(1),
  id: z.string().min(1).optional(),
  parents: TaskRefsSchema,
  children: TaskRefsSchema,
  runtimeInSeconds: z.number().nonnegative().optional(),
  runtime: z.number().nonnegative().optional(),
  files: z.array(LegacyFileSchema).optional(),
});

export const SpecificationTaskSchema = z.object({
  id: z.string().min(1),
  name: z.string().optional(),
  parents: TaskRefsSchema,
  children: TaskRefsSchema,
  inputFiles: z.array(z.string()).optional(),
  outputFiles: z.array(z.string()).optional(),
});

export const WfFormatInstanceSchema = z.object({
  name: z.string().min(1),
  schemaVersion: z.string().optional(),
  workflow: z.union([
    z.object({
      specification: z.object({
        tasks: z.array(SpecificationTaskSchema).min(1),
        files: z.array(z.object({ id: z.string(), sizeInBytes: z.number().nonnegative() })).optional(),
      }),
      execution: z
        .object({
          tasks: z.array(z.object({ id: z.string(), runtimeInSeconds: z.number().nonnegative() })),
        })
        .optional(),
    }),
    z.object({ tasks: z.array(LegacyTaskSchema).min(1) }),
    z.object({ jobs: z.array(LegacyTaskSchema).min(1) }),
  ]),
});

export type WfFormatInstance = z.infer<typeof WfFormatInstanceSchema>;
export type LegacyTask = z.infer<typeof LegacyTaskSchema>;
