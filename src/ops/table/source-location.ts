import { extname } from 'node:path';
import * as z from 'zod';

/** Where a table source or sink lives: a local path, or an object in S3 (`s3://bucket/key`). */
export type SourceLocation = { readonly kind: 'file'; readonly path: string } | { readonly kind: 's3'; readonly bucket: string; readonly key: string };

export type TableFormat = 'parquet' | 'csv' | 'arrow';
export const TableFormatSchema = z.enum(['parquet', 'csv', 'arrow']);

const S3_URL = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.+)$/;

/** A location string, or a message saying what is wrong with it. */
export function parseLocation(text: string): SourceLocation | string {
  if (text.startsWith('s3://')) {
    const match = S3_URL.exec(text);
    return match ? { kind: 's3', bucket: match[1]!, key: match[2]! } : `"${text}" is not an s3://bucket/key URL`;
  }
  return text.length > 0 ? { kind: 'file', path: text } : 'an empty path';
}

const FORMAT_OF_EXTENSION: Record<string, TableFormat> = { '.parquet': 'parquet', '.pq': 'parquet', '.csv': 'csv', '.arrow': 'arrow', '.arrows': 'arrow', '.ipc': 'arrow', '.feather': 'arrow' };

/** The format a name's extension says, else undefined (the task must then give `format`). */
export function formatOfName(name: string): TableFormat | undefined {
  return FORMAT_OF_EXTENSION[extname(name).toLowerCase()];
}

export function describeLocation(location: SourceLocation): string {
  return location.kind === 'file' ? location.path : `s3://${location.bucket}/${location.key}`;
}

/** Zod refinement: a location that parses and whose format is known. */
export function locationProblem(text: string, format: TableFormat | undefined): string | undefined {
  const location = parseLocation(text);
  if (typeof location === 'string') return location;
  if (!format && !formatOfName(text)) return `cannot tell the format of "${text}" from its extension (.parquet, .csv, .arrow); give args.format`;
  return undefined;
}
