import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, closeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { BadInputError, WukongError } from '../model/errors.js';
import type { LambdaConfig } from '../runtime/lambda-config.js';
import { freePort, waitForPort } from './free-port.js';
import { checkRedisAnswers } from './redis-answers.js';
import { bundleOpModules } from './bundle-output-dir.js';

/**
 * `wukong local up | down | status`: the Lambda path's local stand-ins (redis-server, s3rver, the
 * project's Lambda emulator) as one stack. `up` starts each on a free port (or reuses a given URL),
 * writes the two files `--backend lambda` and the emulator read, and records every PID it started
 * in a state file; `down` stops exactly those PIDs (their process groups: the emulator's
 * environments go with it) and nothing else.
 */

/** The keys s3rver accepts (it checks signatures); local stand-ins only, never AWS. */
export const LOCAL_CREDENTIALS = Object.freeze({ accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });
export const LOCAL_REGION = 'us-east-1';
const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;

const ProcessRecordSchema = z
  .object({
    name: z.enum(['redis', 's3rver', 'emulator']),
    pid: z.number().int().positive(),
    url: z.string(),
    /** A word of the process's command line, checked before a signal so a recycled PID is never hit. */
    marker: z.string(),
    log: z.string(),
  })
  .strict();
export type ProcessRecord = z.infer<typeof ProcessRecordSchema>;

const LocalStateSchema = z
  .object({
    version: z.literal(1),
    startedAt: z.string(),
    processes: z.array(ProcessRecordSchema),
    redisUrl: z.string(),
    s3Endpoint: z.string(),
    lambdaEndpoint: z.string(),
    bucket: z.string(),
    /** s3rver's object directory when `up` made it (removed by `down`). */
    s3Directory: z.string().optional(),
    files: z.array(z.string()),
  })
  .strict();
export type LocalState = z.infer<typeof LocalStateSchema>;

export interface LocalUpOptions {
  /** The project directory whose `.wukong/` gets the config (the CLI passes cwd). */
  readonly projectDir: string;
  readonly redisUrl?: string;
  readonly s3Endpoint?: string;
  readonly bucket: string;
  readonly tiersMb: readonly number[];
  readonly log: (line: string) => void;
}

export const localPaths = (projectDir: string) => {
  const wukongDir = join(projectDir, '.wukong');
  return {
    wukongDir,
    localDir: join(wukongDir, 'local'),
    state: join(wukongDir, 'local', 'state.json'),
    lambdaConfig: join(wukongDir, 'lambda.json'),
    functions: join(wukongDir, 'emulator-functions.json'),
  };
};

/** The package root (where package.json, bin/ and scripts/ are), from dist/src/cli or src/cli. */
export function packageRoot(): string {
  for (const relative of ['../../..', '../..']) {
    const dir = fileURLToPath(new URL(`${relative}/`, import.meta.url));
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (pkg.name === 'wukong') return dir;
    } catch {
      // not at this level
    }
  }
  throw new WukongError('RUN_FAILED', 'cannot find the wukong package root');
}

export function readLocalState(projectDir: string): LocalState | undefined {
  const path = localPaths(projectDir).state;
  if (!existsSync(path)) return undefined;
  const parsed = LocalStateSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new BadInputError(`${path} is not a wukong local state file; remove it by hand`);
  return parsed.data;
}

/** Whether the PID is alive and is still the process `up` started (its command line has the marker). */
export function isOurs(record: ProcessRecord): boolean {
  try {
    process.kill(record.pid, 0);
  } catch {
    return false;
  }
  try {
    return readFileSync(`/proc/${record.pid}/cmdline`, 'utf8').includes(record.marker);
  } catch {
    return true; // no /proc (macOS): the PID answers, trust it
  }
}

/** The pieces `up` started that no longer run (killed, crashed): the stack cannot serve runs. */
export function stoppedPieces(state: LocalState): ProcessRecord[] {
  return state.processes.filter((p) => !isOurs(p));
}

/** "emulator (pid 123) stopped", for messages that say which pieces are down. */
export function describeStopped(stopped: readonly ProcessRecord[]): string {
  return `${stopped.map((p) => `${p.name} (pid ${p.pid})`).join(', ')} stopped`;
}

/**
 * The bundle is stale when missing or older than any source it is built from. An installed
 * package ships no sources (no src/): its bundle is only missing or not.
 */
export function bundleIsStale(root: string): boolean {
  const bundle = join(root, 'dist-lambda', 'handler.mjs');
  if (!existsSync(bundle)) return true;
  if (!existsSync(join(root, 'src'))) return false;
  const builtMs = statSync(bundle).mtimeMs;
  const newest = (dir: string): number => {
    let latest = 0;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) latest = Math.max(latest, newest(path));
      else if (/\.(ts|lua|json)$/.test(entry.name)) latest = Math.max(latest, statSync(path).mtimeMs);
    }
    return latest;
  };
  return Math.max(newest(join(root, 'src')), newest(join(root, 'lambda'))) > builtMs;
}

const portOf = (url: string): number => Number(new URL(url).port);

/** Starts the stack; on any failure stops what it had started and rethrows. */
export async function localUp(options: LocalUpOptions): Promise<LocalState> {
  const paths = localPaths(options.projectDir);
  const previous = readLocalState(options.projectDir);
  if (previous?.processes.some(isOurs)) {
    const stopped = stoppedPieces(previous);
    if (stopped.length > 0) throw new BadInputError(`a local stack is partly up (${paths.state}): ${describeStopped(stopped)}; restart it: \`wukong local down\`, then \`wukong local up\``);
    throw new BadInputError(`a local stack is already up (${paths.state}); see \`wukong local status\`, or \`wukong local down\` first`);
  }
  // Before anything starts: a Redis that does not answer would otherwise surface only in a later run.
  if (options.redisUrl !== undefined) await checkRedisAnswers(options.redisUrl, '--redis');
  const root = packageRoot();
  const bundle = servedBundle(options.projectDir, root);
  if (bundle.kind === 'project') {
    options.log(`serving the project's bundle ${bundle.path} (from \`wukong bundle\`; run it again after changing your ops)`);
    if (resolve(options.projectDir) === resolve(root) && bundleIsStale(root)) options.log('  its sources are newer than this bundle: run `wukong bundle --ops ...` again to include them');
  }
  else if (bundleIsStale(root)) {
    if (!existsSync(join(root, 'src'))) throw new BadInputError(`no Lambda bundle to serve: run \`wukong bundle\` in ${options.projectDir} first (it writes dist-lambda/, with your --ops)`);
    options.log('building the Lambda bundle (dist-lambda/handler.mjs) ...');
    const built = spawnSync(process.execPath, [join(root, 'scripts', 'bundle-lambda.mjs')], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    if (built.status !== 0) throw new WukongError('RUN_FAILED', 'building the Lambda bundle failed (node scripts/bundle-lambda.mjs)');
  }
  mkdirSync(paths.localDir, { recursive: true });
  const started: ProcessRecord[] = [];
  let s3Directory: string | undefined;
  try {
    let redisUrl = options.redisUrl;
    if (redisUrl === undefined) {
      const port = await freePort();
      started.push(await startDetached('redis', paths.localDir, 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], 'redis-server', `redis://127.0.0.1:${port}`));
      redisUrl = `redis://127.0.0.1:${port}`;
    }
    let s3Endpoint = options.s3Endpoint;
    if (s3Endpoint === undefined) {
      const port = await freePort();
      s3Directory = join(paths.localDir, 's3rver');
      mkdirSync(s3Directory, { recursive: true });
      const s3rverEntry = resolveS3rver();
      const s3Options = { address: '127.0.0.1', port, silent: true, directory: s3Directory, configureBuckets: [{ name: options.bucket, configs: [] }] };
      s3Endpoint = `http://127.0.0.1:${port}`;
      started.push(await startDetached('s3rver', paths.localDir, process.execPath, ['--openssl-legacy-provider', '-e', S3RVER_LAUNCHER, s3rverEntry, JSON.stringify(s3Options)], 's3rver', s3Endpoint));
    }
    const functionsByTier = Object.fromEntries(options.tiersMb.map((mb) => [String(mb), `wukong-executor-${mb}`]));
    writeFileSync(paths.functions, `${JSON.stringify(functionsFile(bundle.path, redisUrl, s3Endpoint, options.bucket, functionsByTier), null, 2)}\n`);
    const emulatorPort = await freePort();
    const lambdaEndpoint = `http://127.0.0.1:${emulatorPort}`;
    started.push(
      await startDetached('emulator', paths.localDir, process.execPath, [join(root, 'bin', 'wukong.js'), 'emulator', '--port', String(emulatorPort), '--functions', paths.functions, '--quiet'], 'emulator', lambdaEndpoint),
    );
    const lambdaConfig: LambdaConfig = {
      version: 1,
      region: LOCAL_REGION,
      functionsByTier,
      bucket: options.bucket,
      redisUrl,
      // The emulated executors get WUKONG_REDIS_URL only, so they record metadata there too.
      metadataUrl: redisUrl,
      endpoints: { lambda: lambdaEndpoint, s3: s3Endpoint },
      credentials: { ...LOCAL_CREDENTIALS },
    };
    writeFileSync(paths.lambdaConfig, `${JSON.stringify(lambdaConfig, null, 2)}\n`);
    const state: LocalState = {
      version: 1,
      startedAt: new Date().toISOString(),
      processes: started,
      redisUrl,
      s3Endpoint,
      lambdaEndpoint,
      bucket: options.bucket,
      ...(s3Directory ? { s3Directory } : {}),
      files: [paths.lambdaConfig, paths.functions],
    };
    writeFileSync(paths.state, `${JSON.stringify(state, null, 2)}\n`);
    return state;
  } catch (error) {
    await stopProcesses(started);
    if (s3Directory) rmSync(s3Directory, { recursive: true, force: true });
    throw error;
  }
}

/** Stops exactly what `up` started (by PID, process group first); removes the state and config files. */
export async function localDown(projectDir: string): Promise<{ stopped: ProcessRecord[]; state?: LocalState }> {
  const state = readLocalState(projectDir);
  if (!state) return { stopped: [] };
  const stopped = await stopProcesses(state.processes);
  for (const file of state.files) rmSync(file, { force: true });
  if (state.s3Directory) rmSync(state.s3Directory, { recursive: true, force: true });
  rmSync(localPaths(projectDir).state, { force: true });
  return { stopped, state };
}

async function stopProcesses(records: readonly ProcessRecord[]): Promise<ProcessRecord[]> {
  const alive = [...records].reverse().filter(isOurs);
  for (const record of alive) signal(record.pid, 'SIGTERM');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (alive.some(isOurs) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  for (const record of alive.filter(isOurs)) signal(record.pid, 'SIGKILL');
  while (alive.some(isOurs) && Date.now() < deadline + STOP_TIMEOUT_MS) await new Promise((r) => setTimeout(r, 50));
  return alive;
}

/** Signals the process group the detached process leads (the emulator's environments too), else the PID. */
function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(-pid, name);
  } catch {
    try {
      process.kill(pid, name);
    } catch {
      // already gone
    }
  }
}

async function startDetached(name: ProcessRecord['name'], logDir: string, command: string, args: string[], marker: string, url: string): Promise<ProcessRecord> {
  const log = join(logDir, `${name}.log`);
  const fd = openSync(log, 'w');
  const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  const child = spawn(command, args, { detached: true, stdio: ['ignore', fd, fd], env });
  closeSync(fd);
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'ENOENT'
          ? new BadInputError(`${command} is not installed; on Debian/Ubuntu: sudo apt-get install -y ${command} (or pass --${name === 'redis' ? 'redis <url>' : 's3-endpoint <url>'})`)
          : error,
      );
    });
    child.once('exit', (code) => reject(new WukongError('RUN_FAILED', `${name} exited (status ${code}) before it listened; see ${log}`)));
  });
  child.unref();
  await Promise.race([waitForPort(portOf(url), name, START_TIMEOUT_MS), failed]);
  child.removeAllListeners('exit');
  failed.catch(() => undefined);
  if (child.pid === undefined) throw new WukongError('RUN_FAILED', `${name} did not start`);
  return { name, pid: child.pid, url, marker, log };
}

function resolveS3rver(): string {
  try {
    return createRequire(import.meta.url).resolve('s3rver');
  } catch {
    throw new BadInputError('s3rver is not installed: `npm install --save-dev s3rver` in your project (in a wukong checkout, `npm ci`), or pass --s3-endpoint <url>');
  }
}

/**
 * The executor bundle `local up` serves: the project's own `dist-lambda/` where the project is not
 * the wukong package itself and has one (`wukong bundle --ops ...` wrote it there, with the user's
 * ops), else the package's built-ins bundle. It used to serve the package's always, and in an
 * installed package (no sources) try to build one there and fail (an audit).
 */
export function servedBundle(projectDir: string, root: string): { kind: 'project' | 'package'; path: string } {
  const own = resolve(projectDir, 'dist-lambda', 'handler.mjs');
  if (resolve(projectDir) !== resolve(root) && existsSync(own)) return { kind: 'project', path: own };
  // In the wukong checkout itself, a `wukong bundle --ops` output is the user's too: not rebuilt over.
  if (existsSync(own) && bundleOpModules(dirname(own)).length > 0) return { kind: 'project', path: own };
  return { kind: 'package', path: resolve(root, 'dist-lambda', 'handler.mjs') };
}

/** Runs s3rver (a CommonJS module) with the options in argv; s3rver's DES listing tokens need OpenSSL's legacy provider. */
const S3RVER_LAUNCHER = `
const S3rver = require(process.argv[1]);
new S3rver(JSON.parse(process.argv[2])).run().catch((error) => { console.error(error); process.exit(1); });
`;

function functionsFile(bundle: string, redisUrl: string, s3Endpoint: string, bucket: string, functionsByTier: Record<string, string>) {
  return {
    defaults: {
      bundle,
      timeoutSeconds: 900,
      environment: {
        WUKONG_REDIS_URL: redisUrl,
        WUKONG_S3_BUCKET: bucket,
        WUKONG_FUNCTIONS_BY_TIER: JSON.stringify(functionsByTier),
        AWS_ENDPOINT_URL_S3: s3Endpoint,
        AWS_ENDPOINT_URL_LAMBDA: '{emulatorUrl}',
        AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
        // Local Node may be 20 (the SDK still supports it); Lambda runs nodejs22.x. See src/cli/main.ts.
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
    },
    functions: Object.entries(functionsByTier).map(([mb, name]) => ({ name, memoryMb: Number(mb) })),
  };
}
