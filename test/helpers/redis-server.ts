import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { freePort, waitForPort } from '../../src/cli/free-port.js';

/**
 * A real redis-server owned by one test file, on a free port (never the machine's 6379), with no
 * persistence. Fault tests may `stop()` and `restart()` it on the same port, or freeze it.
 */
export interface RedisServerHandle {
  readonly port: number;
  readonly url: string;
  stop(): Promise<void>;
  restart(): Promise<void>;
  /** Sends a signal to the server: SIGSTOP freezes it (its sockets stay open), SIGCONT resumes it. */
  signal(name: NodeJS.Signals): void;
}

export async function startRedisServer(extraArgs: string[] = []): Promise<RedisServerHandle> {
  const port = await freePort();
  let child: ChildProcess | undefined;

  const launch = async (): Promise<void> => {
    child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extraArgs],
      { stdio: 'ignore' },
    );
    child.on('error', (err) => {
      throw new Error(`redis-server failed to start (is it installed? .ci/run installs it): ${err.message}`);
    });
    await waitForPort(port, 'redis-server', 10_000);
  };

  const stop = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGKILL');
    });
  };

  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop,
    restart: async () => {
      await stop();
      await launch();
    },
    signal: (name) => {
      child?.kill(name);
    },
  };
}

/** A test file's redis-server and a plain client on it, to look at what the code under test wrote. */
export interface RedisForFile {
  readonly server: RedisServerHandle;
  readonly client: Redis;
}

/**
 * Starts a redis-server and a client on it before the calling file's tests and closes both after
 * them; read `server` and `client` inside tests and hooks (they are set once beforeAll ran).
 */
export function redisForThisFile(): RedisForFile {
  const redis = {} as { server: RedisServerHandle; client: Redis };
  beforeAll(async () => {
    redis.server = await startRedisServer();
    redis.client = new Redis(redis.server.url);
  });
  afterAll(async () => {
    await redis.client.quit();
    await redis.server.stop();
  });
  return redis;
}
