/** The answer to a fan-in mark (the Coordinator port's `markFanIn`; the simulator's fan-in table gives the same). */
export interface FanInMark {
  /**
   * True for exactly one parent of a fan-in: the one whose mark made the set complete. A repeated
   * mark by that same parent (a retried executor) sees `true` again, so a retry after a crash
   * still runs the child; every other parent, and every repeat by them, sees `false`.
   */
  readonly complete: boolean;
  /** How many distinct parents are marked after this call. */
  readonly marked: number;
  /** Whether this parent had been marked before (a duplicate delivery). */
  readonly duplicate: boolean;
}
