import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

/**
 * The embedded table engine: in-memory DuckDB instances per process (or worker thread), one per
 * EngineAccess, each made by the first table op that needs it (runs without table ops never load
 * the native library). Each op call gets a connection of its own; its temporary tables go when the
 * connection closes.
 *
 * DuckDB was chosen by measurement (docs/ARCHITECTURE.md, "Tables"): it installs from npm with
 * prebuilt Linux x64/arm64 binaries, reads Parquet and CSV with projection and row-group pruning
 * built in (no extension download at run time), and ran a 2M-row filter + group-by about 7x
 * faster than Arquero; Polars' Node binding needs Node 22.
 */
/**
 * One thread per instance: executors are the unit of parallelism (one per core on the embedded
 * backend, one per Lambda), so an engine that took every core per executor would oversubscribe.
 * Extensions are never downloaded (autoinstall off): what a run needs is built in.
 */
const ENGINE_SETTINGS = { threads: '1', autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' } as const;

/**
 * What an instance may reach: `files` reads and writes the sources and outputs that table.read and
 * table.write name (paths in the DAG's args, checked before the run); `sealed` runs the queries
 * over tables already loaded (table.sql's user SQL, the transforms' generated SQL and their checks
 * before a run) with no file system, no ATTACH and no COPY, its configuration locked so a query
 * cannot turn that back on: "a DAG cannot carry code", and a query is not a way to read local
 * files either (a user audit read /etc/hostname through read_text and listed a directory by glob).
 */
export type EngineAccess = 'files' | 'sealed';
const ACCESS_SETTINGS: Record<EngineAccess, Record<string, string>> = {
  files: {},
  sealed: { enable_external_access: 'false', lock_configuration: 'true' },
};

const instances = new Map<EngineAccess, Promise<DuckDBInstance>>();

function engine(access: EngineAccess): Promise<DuckDBInstance> {
  let instance = instances.get(access);
  if (!instance) {
    instance = import('@duckdb/node-api').then(({ DuckDBInstance }) => DuckDBInstance.create(':memory:', { ...ENGINE_SETTINGS, ...ACCESS_SETTINGS[access] }));
    instances.set(access, instance);
    instance.catch(() => instances.delete(access));
  }
  return instance;
}

/** Runs `use` on a fresh connection of the engine with `access`, closed afterwards whatever happens. */
export async function withConnection<T>(use: (connection: DuckDBConnection) => Promise<T>, access: EngineAccess = 'files'): Promise<T> {
  const connection = await (await engine(access)).connect();
  try {
    return await use(connection);
  } finally {
    connection.closeSync();
  }
}
