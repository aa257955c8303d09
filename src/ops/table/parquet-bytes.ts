import type { DuckDBConnection } from '@duckdb/node-api';
import type { Predicate } from './table-args.js';
import { quoteString } from './sql-text.js';

interface ChunkInfo {
  readonly rowGroup: number;
  readonly column: string;
  readonly bytes: number;
  readonly min: number | undefined;
  readonly max: number | undefined;
}

/**
 * The bytes a read of `path` with this projection and filter takes from the file: the compressed
 * column chunks of the columns read (projected and filtered on; all when `columns` is absent) in
 * the row groups whose min/max statistics do not rule the filter out, as the engine skips the
 * rest. Read from the file's footer (the engine's parquet_metadata), so it is the file's own count.
 */
export async function parquetBytesRead(connection: DuckDBConnection, path: string, columns: readonly string[] | undefined, filter: readonly Predicate[]): Promise<number> {
  const reader = await connection.runAndReadAll(
    `SELECT row_group_id, path_in_schema, total_compressed_size, stats_min_value, stats_max_value FROM parquet_metadata(${quoteString(path)})`,
  );
  const chunks: ChunkInfo[] = reader.getRowsJS().map(([rowGroup, column, bytes, min, max]) => ({
    rowGroup: Number(rowGroup),
    column: String(column),
    bytes: Number(bytes),
    min: numericStat(min),
    max: numericStat(max),
  }));
  const wanted = columns ? new Set([...columns, ...filter.map((p) => p.column)]) : undefined;
  const ruledOut = new Set(chunks.filter((chunk) => filter.some((p) => p.column === chunk.column && excludes(p, chunk))).map((chunk) => chunk.rowGroup));
  return chunks.filter((chunk) => !ruledOut.has(chunk.rowGroup) && (!wanted || wanted.has(chunk.column))).reduce((sum, chunk) => sum + chunk.bytes, 0);
}

function numericStat(value: unknown): number | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}

/** Whether a row group whose column lies in [min, max] can hold no row that passes `p`. */
function excludes(p: Predicate, chunk: ChunkInfo): boolean {
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
