/**
 * Long coordinator values (a run's stored spec: 2.7 MB of JSON for a 32,767-task tree) as UTF-8
 * in shared memory, encoded once for every executor thread that reads them. Every thread asks for
 * the spec at a run's start, and posting the string itself costs the main thread a structured
 * clone each time, in series: 14 ms for 1 thread, 112 ms for 16 (bench/spec-serve.ts, 2-core
 * host). Posting a view of shared memory copies nothing (9-11 ms in all, the one encoding); each
 * thread decodes its own string, in parallel with the others.
 */
export class SharedTexts {
  private readonly encoded = new Map<string, { readonly text: string; readonly bytes: Uint8Array }>();

  /** Keeps the last `capacity` keys' encodings (a warm backend runs one DAG after another). */
  constructor(private readonly capacity = 4) {}

  /** `text` as UTF-8 in shared memory, the same bytes while `key` keeps this text. */
  bytesOf(key: string, text: string): Uint8Array {
    const known = this.encoded.get(key);
    let bytes = known?.text === text ? known.bytes : undefined;
    if (bytes === undefined) {
      bytes = new Uint8Array(new SharedArrayBuffer(Buffer.byteLength(text, 'utf8')));
      Buffer.from(bytes.buffer, 0, bytes.byteLength).write(text, 'utf8');
    }
    // Most recently used last.
    this.encoded.delete(key);
    this.encoded.set(key, { text, bytes });
    while (this.encoded.size > this.capacity) this.encoded.delete(this.encoded.keys().next().value as string);
    return bytes;
  }

  /** Lets go of every encoding (and the texts they were made of). */
  clear(): void {
    this.encoded.clear();
  }
}

/** Coordinator values from this length on are posted to threads as shared UTF-8 (SharedTexts). */
export const SHARED_TEXT_FROM_CHARS = 64 * 1024;

/** The string a thread was posted as shared UTF-8. */
export function sharedTextOf(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}
