import type { HandOffInstruction } from './events.js';
import type { Completion } from './wukong-completion.js';

/**
 * What a WUKONG executor hands to fresh executors at its deadline, once nothing is in flight: the
 * tasks it would have run next (this round's queue, then its become child) and the fan-in marks
 * it still owes, which are those delayed I/O held back (every other mark was made before). The
 * carrier stores each such parent before marking, as everywhere (docs/WUKONG-FIDELITY.md rule 9).
 * Undefined when there is nothing to hand off.
 */
export function handOffPlan(queue: readonly string[], become: string | undefined, completions: Iterable<Completion>): HandOffInstruction | undefined {
  const tasks = become === undefined ? [...queue] : [...queue, become];
  const owedMarks: { childId: string; parentId: string }[] = [];
  for (const completion of completions) {
    for (const [childId, step] of completion.fanIns) if (step === 'delayed') owedMarks.push({ childId, parentId: completion.taskId });
  }
  if (tasks.length === 0 && owedMarks.length === 0) return undefined;
  return { type: 'hand-off', tasks, owedMarks };
}
