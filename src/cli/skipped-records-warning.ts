import type { MetadataHistory } from '../metadata/metadata-history.js';
import { describeMetadataLocation, type MetadataLocation } from '../metadata/metadata-location.js';

/**
 * One stderr line when loading history skipped stored entries (malformed, or out of the bounds in
 * src/model/limits.ts): predictions then rest on fewer records than the store holds, and the user
 * should know how many were left out.
 */
export function warnSkippedRecords(history: MetadataHistory, location: MetadataLocation): void {
  if (history.skipped === 0) return;
  const entries = history.skipped === 1 ? 'entry' : 'entries';
  process.stderr.write(
    `wukong: warning: skipped ${history.skipped} metadata ${entries} in ${describeMetadataLocation(location)} that are not valid records (malformed, or out of range: durations over 24 h, bytes over 1 TiB)\n`,
  );
}
