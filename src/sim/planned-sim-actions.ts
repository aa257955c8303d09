import type { PlannedEvent } from '../scheduler/planned-events.js';
import type { PlanLayout } from '../scheduler/planned-layout.js';
import type { HeldWorker } from './hand-over-pool.js';
import type { Container, Placement } from './lambda-platform.js';
import type { PlannedSimExecutor } from './planned-sim-executor.js';

/** What a platform request starts: a worker incarnation, or a prewarm that only warms an environment. */
export type Launch =
  | { readonly kind: 'worker'; readonly worker: number; readonly resumeAt?: string; readonly hedge?: 0 | 1; readonly layout: PlanLayout }
  | { readonly kind: 'prewarm'; readonly worker: number; readonly layout: PlanLayout };

/** What the planned-mode engine (./planned-simulation.ts) schedules in virtual time. */
export type Action =
  | { readonly kind: 'feed'; readonly executor: PlannedSimExecutor; readonly event: PlannedEvent }
  | { readonly kind: 'invoke-done'; readonly launch: Launch; readonly caller: PlannedSimExecutor | undefined }
  | { readonly kind: 'start'; readonly placement: Placement; readonly memoryMb: number }
  | { readonly kind: 'wake'; readonly memoryMb: number }
  | { readonly kind: 'inbox-message'; readonly worker: number }
  | { readonly kind: 'wait-timeout'; readonly executor: PlannedSimExecutor; readonly token: number }
  | { readonly kind: 'end'; readonly executor: PlannedSimExecutor }
  | { readonly kind: 'next-phase' }
  | { readonly kind: 'drift-replan' }
  | { readonly kind: 'stored-on-behalf'; readonly taskId: string }
  | { readonly kind: 'retired'; readonly executor: PlannedSimExecutor }
  | { readonly kind: 'hold-expired'; readonly held: HeldWorker }
  | { readonly kind: 'hand-over'; readonly worker: number; readonly layout: PlanLayout; readonly container: Container; readonly memoryMb: number };
