import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeTable } from '../../src/ops/table/read-write-ops.js';
import { sourceSize, writeSink } from '../../src/ops/table/source-files.js';
import { parseLocation, type SourceLocation } from '../../src/ops/table/source-location.js';
import { TableOpError } from '../../src/ops/table/table-op-error.js';
import { BadInputError } from '../../src/model/errors.js';
import { generateTrips, tripsTable, zonesCsv } from './trips-data.js';

/** Where generated datasets go unless `--data` says otherwise. */
export const DEFAULT_DATA_ROOT = join(tmpdir(), 'wukong-data');
const COMPLETE_MARKER = '_complete';

export interface DatasetParams {
  readonly rows: number;
  readonly files: number;
  readonly seed: number;
}

/** The dataset's own folder under a data root (a directory or s3://bucket/prefix). */
export function datasetRoot(dataRoot: string, params: DatasetParams): string {
  return `${dataRoot.replace(/\/+$/, '')}/trips-${params.rows}r-${params.files}f-s${params.seed}`;
}

export const tripsFile = (root: string, file: number) => `${root}/trips-${String(file).padStart(3, '0')}.parquet`;
export const zonesFile = (root: string) => `${root}/zones.csv`;

function location(text: string): SourceLocation {
  const parsed = parseLocation(text);
  if (typeof parsed === 'string') throw new BadInputError(`--data: ${parsed}`);
  return parsed;
}

/**
 * Writes the dataset (Parquet trips, CSV zones) under `root` unless a previous run finished
 * writing it (a marker object written last says so). Returns whether it wrote anything.
 */
export async function writeDataset(root: string, params: DatasetParams): Promise<boolean> {
  const marker = location(`${root}/${COMPLETE_MARKER}`);
  if (marker.kind === 'file') {
    const { mkdir } = await import('node:fs/promises');
    await mkdir(root, { recursive: true });
  }
  try {
    await sourceSize(marker);
    return false;
  } catch (error) {
    if (!(error instanceof TableOpError)) throw error;
  }
  await writeSink(location(zonesFile(root)), new TextEncoder().encode(zonesCsv()));
  for (let file = 0; file < params.files; file += 1) {
    const table = tripsTable(generateTrips(params.seed, params.rows, params.files, file));
    await writeSink(location(tripsFile(root, file)), await encodeTable(table, 'parquet'));
  }
  await writeSink(marker, new TextEncoder().encode(`${JSON.stringify(params)}\n`));
  return true;
}
