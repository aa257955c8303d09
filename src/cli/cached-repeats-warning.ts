/**
 * `--cache` with `--repeat`: after the first run fills the cache, every repeat reads its results
 * back, so the median a replay prints measures cache lookups, not work (an audit found `replay gemm
 * --cache rc --repeat 3` printing "median 11.3 ms over 3 runs (179.4, 11.3, 3.8)" with no word
 * why). Both flags stay allowed (a user may want to time hits); the run only says so on stderr.
 * Undefined when the two are not both given.
 */
export function cachedRepeatsWarning(cache: string | false | undefined, repeats: number): string | undefined {
  if (typeof cache !== 'string' || repeats < 2) return undefined;
  return `wukong: warning: --cache with --repeat ${repeats}: repeats after the first read the results cached by the runs before them (the first too, where ${cache} already holds them), so the median measures cache lookups rather than the work; drop --cache to measure the work\n`;
}
