/**
 * A fast path for the single-column streams this project writes most (matrix blocks and bytes).
 * apache-arrow's IPC writer and reader cost hundreds of microseconds per stream whatever its size,
 * which dominates tiny intermediates. For one column of fixed-width values, every stream of the
 * same kind and shape has the same bytes apart from the body, so:
 * - encode: Arrow writes a template once per shape; a new value is the template with its values
 *   copied into the body;
 * - decode: the header (schema and record batch messages, whose lengths sit at fixed places) is
 *   looked up by its exact bytes; a known header gives the values' offset, so the array is a view.
 * Output is byte-for-byte what Arrow writes, and anything unrecognized takes Arrow's own path.
 */
export interface StreamLayout {
  /** Offset of the values from the start of the stream. */
  readonly valuesOffset: number;
  /** Length of the whole stream in bytes. */
  readonly streamBytes: number;
}

const MAX_ENTRIES = 256;

/** Byte length of the two leading IPC messages (schema + record batch), or -1 if not that form. */
export function headerLength(bytes: Uint8Array): number {
  if (bytes.byteLength < 16) return -1;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== 0xffffffff) return -1;
  const schemaEnd = 8 + view.getInt32(4, true);
  if (schemaEnd + 8 > bytes.byteLength || view.getUint32(schemaEnd, true) !== 0xffffffff) return -1;
  const batchEnd = schemaEnd + 8 + view.getInt32(schemaEnd + 4, true);
  return batchEnd <= bytes.byteLength ? batchEnd : -1;
}

export class TemplateCache<Key, Entry> {
  private readonly entries = new Map<Key, Entry>();

  get(key: Key): Entry | undefined {
    return this.entries.get(key);
  }

  set(key: Key, entry: Entry): void {
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as Key);
    this.entries.set(key, entry);
  }
}

/** A string key of the header bytes (latin1 keeps one char per byte). */
export function headerKey(bytes: Uint8Array, length: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, length).toString('latin1');
}
