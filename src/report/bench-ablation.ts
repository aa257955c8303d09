import type { Plan } from '../model/annotated-dag.js';
import { emptyRecord } from '../model/own-record.js';

/**
 * The plan annotations' ablation (issue 16 item 2): a planner's plan run as it is and with one
 * annotation switched off (the same workers, tiers and order), so each annotation's gain on a
 * workload is a number. Pure: plans and measures in, plans and numbers out.
 */

export const PLAN_ANNOTATIONS = ['prewarm', 'dup', 'preload'] as const;
export type PlanAnnotation = (typeof PLAN_ANNOTATIONS)[number];

/** One annotation of one planner's plan on one workload: how often it was planned and used, and its gain. */
export interface AblationMeasure {
  readonly workload: string;
  readonly variant: string;
  readonly annotation: PlanAnnotation;
  /** Tasks the plan annotates with it (prewarm: worker invocations planned). */
  readonly planned: number;
  /** What the run did with it (median over repeats): prewarm invocations, dup runs, preloaded gets. */
  readonly fired: number;
  /** Median makespan with the plan as it is. */
  readonly makespanMs: number;
  /** Median makespan with the annotation off; equal to makespanMs when the plan has none (not re-run). */
  readonly offMakespanMs: number;
}

/** How many of the plan's tasks carry the annotation (prewarm: how many workers they pre-warm). */
export function plannedCount(plan: Pick<Plan, 'tasks'>, annotation: PlanAnnotation): number {
  let count = 0;
  for (const task of Object.values(plan.tasks)) {
    if (annotation === 'prewarm') count += task.prewarm.length;
    else if (task[annotation]) count += 1;
  }
  return count;
}

/** The plan with one annotation off on every task; everything else as it was. */
export function withoutAnnotation<P extends Pick<Plan, 'tasks'>>(plan: P, annotation: PlanAnnotation): P {
  const tasks = emptyRecord<Plan['tasks'][string]>();
  for (const [id, task] of Object.entries(plan.tasks)) tasks[id] = annotation === 'prewarm' ? { ...task, prewarm: [] } : { ...task, [annotation]: false };
  return { ...plan, tasks };
}

/** The annotation's gain: the makespan it saves as a fraction of the makespan without it (negative: it costs time). */
export function ablationGain(m: AblationMeasure): number {
  return m.offMakespanMs > 0 ? (m.offMakespanMs - m.makespanMs) / m.offMakespanMs : 0;
}

/** What the table says of an annotation that did nothing measurable on a workload. */
export function ablationNote(m: AblationMeasure): string | undefined {
  if (m.planned === 0) return 'never planned';
  if (m.fired === 0) return 'planned, never fired';
  return undefined;
}
