import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeConfigFromFlags } from '../../../src/cli/store-flags.js';
import { WukongError } from '../../../src/model/errors.js';
import { RedisCoordinator } from '../../../src/storage/redis/redis-coordinator.js';
import { RedisIntermediateStore } from '../../../src/storage/redis/redis-intermediate-store.js';
import { freePort } from '../../../src/cli/free-port.js';
import { startRedisServer, type RedisServerHandle } from '../../helpers/redis-server.js';
import { describeCoordinatorConformance } from './coordinator.conformance.js';
import { redisCoordinatorUnderTest } from './redis-coordinator-under-test.js';

/**
 * Redis over TLS (`rediss://`) with a throwaway CA made by openssl in a temp dir: the
 * coordinator conformance suite and an intermediate round trip over TLS with the CA given as
 * `?ca=FILE`, a clear failure without it, and the CLI's WUKONG_REDIS_CA. Needs a redis-server
 * built with TLS (Debian's 7.x is) and openssl; without them this fails, saying which is missing.
 */

interface TlsFiles {
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
}

function makeCertificates(dir: string): TlsFiles {
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=wukong-test-ca']);
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1']);
  run(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '1', '-extfile', 'san.ext']);
  return { ca: join(dir, 'ca.crt'), cert: join(dir, 'server.crt'), key: join(dir, 'server.key') };
}

/** Fails loudly (never skips) when this machine cannot run the TLS tests. */
function requireTlsTools(): void {
  const openssl = spawnSync('openssl', ['version'], { encoding: 'utf8' });
  if (openssl.status !== 0) throw new Error('openssl is not installed: the rediss:// tests need it to make a throwaway CA');
  // With both ports 0 a TLS-capable server exits at once ("not listen anywhere"); one built
  // without TLS rejects the tls-port directive instead.
  const probe = spawnSync('redis-server', ['--port', '0', '--tls-port', '0'], { encoding: 'utf8', timeout: 5_000 });
  const said = `${probe.stdout}${probe.stderr}`;
  if (probe.error) throw new Error(`redis-server cannot be started: ${probe.error.message}`);
  if (/Bad directive/i.test(said)) throw new Error(`this redis-server was built without TLS support: ${said.slice(0, 300)}`);
}

let tls: TlsFiles;
let server: RedisServerHandle;
let tlsPort: number;
let url: string;

beforeAll(async () => {
  requireTlsTools();
  tls = makeCertificates(mkdtempSync(join(tmpdir(), 'wk-redis-tls-')));
  tlsPort = await freePort();
  server = await startRedisServer(['--tls-port', String(tlsPort), '--tls-cert-file', tls.cert, '--tls-key-file', tls.key, '--tls-ca-cert-file', tls.ca, '--tls-auth-clients', 'no']);
  url = `rediss://127.0.0.1:${tlsPort}?ca=${encodeURIComponent(tls.ca)}`;
});
afterAll(async () => {
  await server?.stop();
});

describeCoordinatorConformance('redis over TLS (rediss://, ?ca=FILE)', async ({ ttlSeconds }) => redisCoordinatorUnderTest(url, `tls:${randomUUID()}:`, ttlSeconds));

describe('Redis over TLS', () => {
  it('stores and reads an intermediate over rediss://', async () => {
    const store = new RedisIntermediateStore(url, { keyPrefix: `tls:${randomUUID()}:` });
    const value = Uint8Array.from({ length: 100_000 }, (_, i) => i & 255);
    await store.put('k', value);
    expect(Buffer.from(await store.get('k')).equals(Buffer.from(value))).toBe(true);
    await store.deletePrefix('');
    await store.close();
  });

  it('fails clearly, naming the server, when the CA is not given (self-signed chain)', async () => {
    const coordinator = new RedisCoordinator(`rediss://127.0.0.1:${tlsPort}`);
    const failure = await coordinator.getValue('k').catch((error: unknown) => error);
    await coordinator.close();
    expect(failure).toBeInstanceOf(WukongError);
    expect((failure as Error).message).toContain(`redis 127.0.0.1:${tlsPort}: get failed`);
    expect((failure as Error).message).toMatch(/certificate|self.signed/i);
    console.log(`[redis-tls] without the CA: ${(failure as Error).message}`);
  });

  it('refuses an unreadable CA file and a ca= parameter without TLS, as bad input', () => {
    expect(() => new RedisCoordinator(`rediss://127.0.0.1:${tlsPort}?ca=/no/such/ca.pem`)).toThrow(/Redis TLS CA file \/no\/such\/ca\.pem cannot be read: ENOENT/);
    expect(() => new RedisCoordinator(`redis://127.0.0.1:${tlsPort}?ca=${tls.ca}`)).toThrow(/needs TLS \(rediss:\/\/\)/);
    expect(() => new RedisCoordinator(`rediss://127.0.0.1:${tlsPort}?tls=yes`)).toThrow(/parameter "tls" is not supported/);
  });

  it('the CLI takes the CA from WUKONG_REDIS_CA', () => {
    const config = storeConfigFromFlags({ redis: `rediss://127.0.0.1:${tlsPort}` }, { WUKONG_REDIS_CA: tls.ca });
    expect(config.coordinator).toEqual({ kind: 'redis', url: `rediss://127.0.0.1:${tlsPort}?ca=${encodeURIComponent(tls.ca)}` });
    expect(storeConfigFromFlags({ redis: 'redis://127.0.0.1:1' }, { WUKONG_REDIS_CA: tls.ca }).coordinator).toEqual({ kind: 'redis', url: 'redis://127.0.0.1:1' });
  });

  it('wukong submit runs over rediss:// with WUKONG_REDIS_CA (executor threads included)', async () => {
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        [join(process.cwd(), 'bin/wukong.js'), 'submit', 'workloads/examples/diamond.json', '--redis', `rediss://127.0.0.1:${tlsPort}`, '--no-metadata', '--workers', '2'],
        { env: { ...process.env, WUKONG_REDIS_CA: tls.ca, WUKONG_DEBUG: '' }, timeout: 120_000 },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
      child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^ok: diamond/);
  }, 120_000);
});
