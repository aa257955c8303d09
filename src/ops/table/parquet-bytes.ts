import type { DuckDBConnection } from '@duckdb/node-api';
import type { Predicate } from './table-args.js';
import { quoteString } from './sql-text.js';

/** One column chunk of a Parquet file, as its footer describes it. */
export interface ColumnChunk {
  readonly rowGroup: number;
  readonly column: string;
  /** Where the chunk's pages start in the file (its dictionary page, if any, else its first data page). */
  readonly offset: number;
  readonly bytes: number;
  readonly min: number | undefined;
  readonly max: number | undefined;
}

/** Every column chunk of a Parquet file, from its footer (the engine's parquet_metadata). */
export async function parquetChunks(connection: DuckDBConnection, path: string): Promise<ColumnChunk[]> {
  const reader = await connection.runAndReadAll(
    `SELECT row_group_id, path_in_schema, dictionary_page_offset, data_page_offset, total_compressed_size, stats_min_value, stats_max_value FROM parquet_metadata(${quoteString(path)})`,
  );
  return reader.getRowsJS().map(([rowGroup, column, dictionaryOffset, dataOffset, bytes, min, max]) => {
    const dictionary = dictionaryOffset === null ? 0 : Number(dictionaryOffset);
    const data = Number(dataOffset);
    return { rowGroup: Number(rowGroup), column: String(column), offset: dictionary > 0 ? Math.min(dictionary, data) : data, bytes: Number(bytes), min: numericStat(min), max: numericStat(max) };
  });
}

/**
 * The chunks a read with this projection and filter takes from the file: those of the columns
 * read (projected and filtered on; all when `columns` is absent) in the row groups whose min/max
 * statistics do not rule the filter out, as the engine skips the rest.
 */
export function chunksToRead(chunks: readonly ColumnChunk[], columns: readonly string[] | undefined, filter: readonly Predicate[]): ColumnChunk[] {
  const wanted = columns ? new Set([...columns, ...filter.map((p) => p.column)]) : undefined;
  const ruledOut = new Set(chunks.filter((chunk) => filter.some((p) => p.column === chunk.column && excludes(p, chunk))).map((chunk) => chunk.rowGroup));
  return chunks.filter((chunk) => !ruledOut.has(chunk.rowGroup) && (!wanted || wanted.has(chunk.column)));
}

/** Bytes of the chunks a read takes (see chunksToRead) from a local Parquet file. */
export async function parquetBytesRead(connection: DuckDBConnection, path: string, columns: readonly string[] | undefined, filter: readonly Predicate[]): Promise<number> {
  return chunksToRead(await parquetChunks(connection, path), columns, filter).reduce((sum, chunk) => sum + chunk.bytes, 0);
}

function numericStat(value: unknown): number | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}

/** Whether a row group whose column lies in [min, max] can hold no row that passes `p`. */
function excludes(p: Predicate, chunk: ColumnChunk): boolean {
  const { min, max } = chunk;
  if (min === undefined || max === undefined || typeof p.value !== 'number') return false;
  switch (p.op) {
    case '>': return max <= p.value;
    case '>=': return max < p.value;
    case '<': return min >= p.value;
    case '<=': return min > p.value;
    case '=': return p.value < min || p.value > max;
    default: return false;
  }
}
