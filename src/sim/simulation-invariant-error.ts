/** The simulation broke one of its own invariants (a bug, not bad input). */
export class SimulationInvariantError extends Error {
  override name = 'SimulationInvariantError';
}
