import prettyBytes from 'pretty-bytes';

/** Human units for the HTML report and the terminal summaries; in HTML the raw number goes alongside in a data-value attribute. */

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  if (Math.abs(ms) < 10_000) return `${ms.toFixed(1)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
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
