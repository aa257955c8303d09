import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

/**
 * The embedded table engine: one in-memory DuckDB instance per process (or worker thread), loaded
 * on the first table op so that runs without table ops never load its native library. Each op
 * call gets a connection of its own; its temporary tables go when the connection closes.
 *
 * DuckDB was chosen by measurement (docs/ARCHITECTURE.md, "Tables"): it installs from npm with
 * prebuilt Linux x64/arm64 binaries, reads Parquet and CSV with projection and row-group pruning
 * built in (no extension download at run time), and ran a 2M-row filter + group-by about 7x
 * faster than Arquero; Polars' Node binding needs Node 22.
 */
let instance: Promise<DuckDBInstance> | undefined;

/**
 * One thread per instance: executors are the unit of parallelism (one per core on the embedded
 * backend, one per Lambda), so an engine that took every core per executor would oversubscribe.
 * Extensions are never downloaded (autoinstall off): what a run needs is built in.
 */
const ENGINE_SETTINGS = { threads: '1', autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' } as const;

function engine(): Promise<DuckDBInstance> {
  instance ??= import('@duckdb/node-api').then(({ DuckDBInstance }) => DuckDBInstance.create(':memory:', { ...ENGINE_SETTINGS }));
  instance.catch(() => {
    instance = undefined;
  });
  return instance;
}

/** Runs `use` on a fresh connection, closed afterwards whatever happens. */
export async function withConnection<T>(use: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
  const connection = await (await engine()).connect();
  try {
    return await use(connection);
  } finally {
    connection.closeSync();
  }
}
