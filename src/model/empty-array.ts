/**
 * One shared empty array of V8's generic elements kind (PACKED_ELEMENTS), for hot paths that hand
 * out "none" where they usually hand out arrays of strings or objects. An empty literal `[]` has
 * the small-integer kind instead, so a function V8 optimized on non-empty arrays deoptimizes
 * ("wrong map") the first time it meets an empty one, and is compiled again: a tree reduction's
 * leaves, which have no parents or inputs, did this in every executor thread (overhead bench,
 * first tree after chain and fan: `runTask` compiled four times). Never mutate it: the readonly
 * type says so; freezing it would give it another map again.
 */
const EMPTY: unknown[] = [undefined];
EMPTY.pop();

export function emptyArray<T>(): readonly T[] {
  return EMPTY as readonly T[];
}
