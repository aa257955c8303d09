import prettyBytes from 'pretty-bytes';
import prettyMilliseconds from 'pretty-ms';

/** Human units for the HTML report and the terminal summaries; in HTML the raw number goes alongside in a data-value attribute. */

/**
 * Durations by pretty-ms, with one decimal below a second (a 0.4 ms task stays 0.4ms rather than
 * rounding to 1ms) and the unit steps (s, m, h) above it: 118.0ms, 1.3s, 1m 15s; bench tables ask
 * for whole ms. Terminal summary lines keep fixed milliseconds instead, so runs compare digit for
 * digit and scripts can read them.
 */
export function formatMs(ms: number, millisecondsDecimalDigits = 1): string {
  if (!Number.isFinite(ms)) return '-';
  const magnitude = prettyMilliseconds(Math.abs(ms), { millisecondsDecimalDigits });
  return ms < 0 ? `-${magnitude}` : magnitude;
}

/**
 * Bytes in binary units (KiB, MiB, ...) with one decimal, by pretty-bytes: the unit steps and the
 * scaling are its job; it truncates rather than rounds (942.47 KiB prints 942.4 KiB), so a size is
 * never overstated. Under 1 KiB the exact count.
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '-';
  if (Math.abs(bytes) < 1024) return `${bytes} B`;
  return prettyBytes(bytes, { binary: true, minimumFractionDigits: 1, maximumFractionDigits: 1 });
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function formatUsd(usd: number): string {
  return `$${usd.toFixed(6)}`;
}
