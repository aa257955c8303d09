import type { DuckDBConnection } from '@duckdb/node-api';
import type { Table } from 'apache-arrow';
import { quoteIdentifier, quoteString } from './sql-text.js';
import type { SourceShape } from './table-costs.js';

/**
 * A source's rows and column sizes, for the planners and the simulator (./table-costs.ts), read as
 * cheaply as the format allows:
 * - Parquet: the footer only (row count, each column's compressed and uncompressed bytes, null
 *   count, numeric columns' min and max, which bound an integer column's distinct values);
 * - CSV: one scan (rows, distinct values, string lengths), CSV sources being small dimension
 *   tables in practice;
 * - Arrow IPC: the table itself (buffer sizes), already read for its schema.
 * Bytes per row in Arrow: the type's width for fixed-width types, 4 bytes of offset plus the
 * average length for strings and blobs.
 */

/** Arrow bytes per value of DuckDB's fixed-width types (DESCRIBE's column_type). */
const FIXED_WIDTHS: Readonly<Record<string, number>> = {
  BOOLEAN: 1, TINYINT: 1, UTINYINT: 1, SMALLINT: 2, USMALLINT: 2, INTEGER: 4, UINTEGER: 4, FLOAT: 4, DATE: 4,
  BIGINT: 8, UBIGINT: 8, DOUBLE: 8, TIME: 8, TIMESTAMP: 8, 'TIMESTAMP WITH TIME ZONE': 8, TIMESTAMP_S: 8, TIMESTAMP_MS: 8, TIMESTAMP_NS: 8,
  HUGEINT: 16, UHUGEINT: 16, UUID: 16, INTERVAL: 16,
};
const OFFSET_BYTES = 4;
const INTEGER_TYPES = new Set(['TINYINT', 'UTINYINT', 'SMALLINT', 'USMALLINT', 'INTEGER', 'UINTEGER', 'BIGINT', 'UBIGINT', 'HUGEINT', 'UHUGEINT']);

const finite = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
const fixedWidth = (type: string) => FIXED_WIDTHS[type] ?? (type.startsWith('DECIMAL') ? 16 : undefined);

export interface ColumnType {
  readonly name: string;
  readonly type: string;
}

/** The footer's view of a Parquet file (`path`: a local file holding at least its footer). */
export async function parquetSourceShape(connection: DuckDBConnection, path: string, columns: readonly ColumnType[]): Promise<SourceShape> {
  const file = quoteString(path);
  const rowsReader = await connection.runAndReadAll(`SELECT coalesce(sum(num_rows), 0)::BIGINT FROM parquet_file_metadata(${file})`);
  const rows = Number(rowsReader.getRowsJS()[0]?.[0] ?? 0);
  const chunks = await connection.runAndReadAll(
    `SELECT path_in_schema, sum(total_compressed_size)::BIGINT, sum(total_uncompressed_size)::BIGINT, min(TRY_CAST(stats_min_value AS DOUBLE)), max(TRY_CAST(stats_max_value AS DOUBLE)),
       sum(stats_null_count)::DOUBLE, count(*) = count(stats_null_count)
     FROM parquet_metadata(${file}) GROUP BY path_in_schema`,
  );
  const byColumn = new Map(
    chunks.getRowsJS().map((row) => [
      String(row[0]),
      { compressed: Number(row[1]), uncompressed: Number(row[2]), min: finite(row[3]), max: finite(row[4]), nulls: row[6] === true ? finite(row[5]) : undefined },
    ]),
  );
  const perRow = (bytes: number) => (rows > 0 ? bytes / rows : 0);
  return {
    rows,
    columns: columns.map(({ name, type }) => {
      const chunk = byColumn.get(name);
      const width = fixedWidth(type) ?? OFFSET_BYTES + perRow(chunk?.uncompressed ?? 0);
      const numeric = fixedWidth(type) !== undefined && chunk?.min !== undefined && chunk.max !== undefined;
      const range = numeric && INTEGER_TYPES.has(type) ? chunk.max! - chunk.min! + 1 : undefined;
      return {
        name,
        bytesPerRow: width,
        fileBytesPerRow: perRow(chunk?.compressed ?? 0),
        ...(range !== undefined ? { distinct: Math.min(rows, range) } : {}),
        // Timestamps' statistics are not numbers of the values' unit a predicate compares with.
        ...(numeric && !type.startsWith('TIMESTAMP') && !type.startsWith('DATE') && !type.startsWith('TIME') ? { min: chunk.min!, max: chunk.max! } : {}),
        ...(chunk?.nulls !== undefined && rows > 0 ? { nullFraction: chunk.nulls / rows } : {}),
      };
    }),
  };
}

/** One scan of a CSV file: its rows, each column's distinct values and string lengths. */
export async function csvSourceShape(connection: DuckDBConnection, scan: string, fileBytes: number, columns: readonly ColumnType[]): Promise<SourceShape> {
  const measures = columns.flatMap(({ name, type }) => [
    `approx_count_distinct(${quoteIdentifier(name)})::DOUBLE`,
    fixedWidth(type) === undefined ? `coalesce(avg(strlen(CAST(${quoteIdentifier(name)} AS VARCHAR))), 0)::DOUBLE` : '0::DOUBLE',
  ]);
  const reader = await connection.runAndReadAll(`SELECT count(*)::DOUBLE${measures.map((m) => `, ${m}`).join('')} FROM ${scan}`);
  const row = reader.getRowsJS()[0] ?? [];
  const rows = Number(row[0] ?? 0);
  const widths = columns.map(({ type }, i) => fixedWidth(type) ?? OFFSET_BYTES + Number(row[2 + 2 * i] ?? 0));
  const total = widths.reduce((sum, w) => sum + w, 0);
  return {
    rows,
    columns: columns.map(({ name }, i) => ({
      name,
      bytesPerRow: widths[i]!,
      // The file's bytes shared among the columns as their Arrow widths are (CSV has no per-column sizes).
      fileBytesPerRow: rows > 0 && total > 0 ? (fileBytes / rows) * (widths[i]! / total) : 0,
      distinct: Math.max(1, Math.min(rows, Number(row[1 + 2 * i] ?? rows))),
    })),
  };
}

/** An Arrow IPC table's sizes: its buffers, as read. */
export function arrowSourceShape(table: Table): SourceShape {
  const rows = table.numRows;
  return {
    rows,
    columns: table.schema.fields.map((field, i) => {
      const bytes = table.getChildAt(i)?.data.reduce((sum, data) => sum + dataBytes(data), 0) ?? 0;
      const perRow = rows > 0 ? bytes / rows : 0;
      return { name: field.name, bytesPerRow: perRow, fileBytesPerRow: perRow };
    }),
  };
}

interface ArrowData {
  readonly values?: { readonly byteLength: number } | undefined;
  readonly valueOffsets?: { readonly byteLength: number } | undefined;
  readonly nullBitmap?: { readonly byteLength: number } | undefined;
  readonly children: readonly ArrowData[];
  readonly dictionary?: { readonly data: readonly ArrowData[] } | undefined;
}

function dataBytes(data: ArrowData): number {
  const own = (data.values?.byteLength ?? 0) + (data.valueOffsets?.byteLength ?? 0) + (data.nullBitmap?.byteLength ?? 0);
  return own + data.children.reduce((sum, child) => sum + dataBytes(child), 0) + (data.dictionary?.data.reduce((sum, d) => sum + dataBytes(d), 0) ?? 0);
}
