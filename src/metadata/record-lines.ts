import { MetadataRecordSchema, type MetadataRecord } from './records.js';

/**
 * JSON lines for metadata records: one record per line, as the file store and `wukong metadata
 * export` write them. Blank lines carry nothing and are ignored (the file store puts one before
 * each batch; see ./file-metadata-store.ts).
 */
export function encodeRecordLines(records: readonly MetadataRecord[]): string {
  let text = '';
  for (const record of records) text += `${JSON.stringify(record)}\n`;
  return text;
}

export interface RejectedLine {
  /** 1-based line number in the text. */
  readonly line: number;
  readonly reason: string;
}

export interface DecodedRecordLines {
  readonly records: MetadataRecord[];
  /** Lines that held something but not a valid record (a torn write, garbage). */
  readonly rejected: RejectedLine[];
}

/** Parses JSON lines; a line that is not a valid record is reported in `rejected`, never thrown. */
export function decodeRecordLines(text: string): DecodedRecordLines {
  const records: MetadataRecord[] = [];
  const rejected: RejectedLine[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const line = (lines[i] as string).trim();
    if (line === '') continue;
    const record = decodeRecordLine(line);
    if (typeof record === 'string') rejected.push({ line: i + 1, reason: record });
    else records.push(record);
  }
  return { records, rejected };
}

/** One line to a record, or the reason it is not one. */
export function decodeRecordLine(line: string): MetadataRecord | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'not JSON';
  }
  const parsed = MetadataRecordSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  return `${issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''}${issue?.message ?? 'invalid record'}`;
}
