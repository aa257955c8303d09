import { createHash } from 'node:crypto';

/**
 * One cache entry on disk, in Redis or in S3: a 48-byte header, then the output's Arrow IPC bytes.
 * The header carries the payload's length and SHA-256, so an entry cut short (a crashed writer, a
 * hand edit, a partial copy) or altered is detected on read and recomputed, never used.
 *
 *   0..4   magic "WKC1"
 *   4..12  payload length, uint64 big-endian
 *   12..44 SHA-256 of the payload
 *   44..48 zero (keeps the payload 8-byte aligned, as the Arrow codec views it in place)
 */
const MAGIC = Buffer.from('WKC1', 'ascii');
export const ENTRY_HEADER_BYTES = 48;
const DIGEST_END = 44;

export function encodeEntry(payload: Uint8Array): Uint8Array {
  const header = Buffer.alloc(ENTRY_HEADER_BYTES);
  MAGIC.copy(header, 0);
  header.writeBigUInt64BE(BigInt(payload.byteLength), 4);
  createHash('sha256').update(payload).digest().copy(header, 12);
  return Buffer.concat([header, payload]);
}

/** The payload of a sound entry, or why the entry cannot be used. */
export type DecodedEntry = { readonly ok: true; readonly payload: Uint8Array } | { readonly ok: false; readonly problem: string };

export function decodeEntry(entry: Uint8Array): DecodedEntry {
  const bytes = Buffer.from(entry.buffer, entry.byteOffset, entry.byteLength);
  if (bytes.byteLength < ENTRY_HEADER_BYTES || !bytes.subarray(0, 4).equals(MAGIC)) return { ok: false, problem: 'no entry header' };
  const length = bytes.readBigUInt64BE(4);
  const actual = BigInt(bytes.byteLength - ENTRY_HEADER_BYTES);
  if (actual !== length) return { ok: false, problem: `truncated: ${actual} of ${length} bytes` };
  const payload = bytes.subarray(ENTRY_HEADER_BYTES);
  const digest = createHash('sha256').update(payload).digest();
  if (!digest.equals(bytes.subarray(12, DIGEST_END))) return { ok: false, problem: 'content does not match its hash' };
  // A view at an odd offset (a pooled Buffer) is copied once so the codec can read it in place.
  return { ok: true, payload: payload.byteOffset % 8 === 0 ? payload : Uint8Array.from(payload) };
}
