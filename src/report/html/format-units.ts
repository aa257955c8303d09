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

const BINARY_UNITS = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'] as const;

/**
 * Bytes in binary units (KiB, MiB, ...) with one decimal, truncated rather than rounded (942.47
 * KiB prints 942.4 KiB, 1 MiB - 1 B prints 1023.9 KiB), so a size is never overstated. Under 1 KiB
 * the exact count.
 * Written out here, not by pretty-bytes (used until 2026-12-07): with fraction digits it formats
 * through Intl.NumberFormat, and the first Intl.NumberFormat of a process costs ~20 ms (ICU's
 * number data), paid by every `wukong submit` when it prints its summary (bench/cli-start.ts).
 * Division by 1024 is exact in binary floating point, and a tenth's boundary is never within
 * rounding of a scaled byte count, so the truncation is exact.
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '-';
  const magnitude = Math.abs(bytes);
  if (magnitude < 1024) return `${bytes} B`;
  let scaled = magnitude / 1024;
  let unit = 0;
  while (scaled >= 1024 && unit < BINARY_UNITS.length - 1) {
    scaled /= 1024;
    unit += 1;
  }
  const tenths = Math.floor(scaled * 10);
  return `${bytes < 0 ? '-' : ''}${Math.floor(tenths / 10)}.${tenths % 10} ${BINARY_UNITS[unit]}`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function formatUsd(usd: number): string {
  return `$${usd.toFixed(6)}`;
}
