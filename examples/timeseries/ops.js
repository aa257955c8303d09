// Two user ops for wukong: rows of a matrix block are samples taken at a fixed interval, columns are
// series. Durations are written as text ("100ms", "2s") and parsed with the `ms` package, the one
// npm dependency: `wukong bundle` ships it inside the Lambda bundle with these ops.
import ms from 'ms';
import { defineOp, matrix } from 'wukong';
import { z } from 'zod';

const Duration = z.string().refine((text) => typeof ms(text) === 'number' && ms(text) > 0, 'a duration such as 100ms or 2s');

/** How many samples at `interval` one `span` holds: a whole number, or an error naming both. */
function samplesIn(span, interval) {
  const ratio = ms(span) / ms(interval);
  if (!Number.isInteger(ratio)) throw new RangeError(`${span} is not a whole number of ${interval} samples`);
  return ratio;
}

export const resample = defineOp({
  name: 'timeseries.resample',
  description: 'downsample: average each run of samples from interval `from` into one sample per `to`',
  args: z.object({ from: Duration, to: Duration }).strict(),
  arity: { min: 1, max: 1 },
  outputs: 1,
  run: ([series], args) => {
    const k = samplesIn(args.to, args.from);
    const rows = Math.floor(series.rows / k);
    const out = new Float64Array(rows * series.cols);
    for (let r = 0; r < rows * k; r += 1) {
      for (let c = 0; c < series.cols; c += 1) out[Math.floor(r / k) * series.cols + c] += series.data[r * series.cols + c] / k;
    }
    return [matrix(rows, series.cols, out)];
  },
  shape: ([s], args) => (s?.kind === 'matrix' ? [{ kind: 'matrix', rows: Math.floor(s.rows / samplesIn(args.to, args.from)), cols: s.cols }] : undefined),
  cost: ([s]) => (s?.kind === 'matrix' ? { flops: s.rows * s.cols, bytes: 8 * s.rows * s.cols } : undefined),
});

export const rollingMean = defineOp({
  name: 'timeseries.rolling-mean',
  description: 'each sample becomes the mean of the samples in the `window` that ends at it',
  args: z.object({ window: Duration, interval: Duration }).strict(),
  arity: { min: 1, max: 1 },
  outputs: 1,
  run: ([series], args) => {
    const k = samplesIn(args.window, args.interval);
    const out = new Float64Array(series.rows * series.cols);
    for (let r = 0; r < series.rows; r += 1) {
      const first = Math.max(0, r - k + 1);
      for (let c = 0; c < series.cols; c += 1) {
        let sum = 0;
        for (let i = first; i <= r; i += 1) sum += series.data[i * series.cols + c];
        out[r * series.cols + c] = sum / (r - first + 1);
      }
    }
    return [matrix(series.rows, series.cols, out)];
  },
  shape: ([s]) => (s?.kind === 'matrix' ? [s] : undefined),
});

export default [resample, rollingMean];
