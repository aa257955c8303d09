import type { MessagePort } from 'node:worker_threads';
import { NotFoundError, WukongError } from '../../model/errors.js';
import type { Coordinator, FanInMark } from '../../storage/coordinator.js';
import type { IntermediateStore } from '../../storage/intermediate-store.js';

/**
 * The embedded backend keeps its in-memory stores in the CLI's main thread; executor threads reach
 * them through these proxies over a MessagePort. Bytes put by a thread are transferred (no copy);
 * bytes got are copied once by structured clone, since the store keeps its own.
 */
/** Request id of fire-and-forget calls (no response is sent). */
const ONE_WAY = 0;

interface Request {
  readonly id: number;
  readonly target: 'store' | 'coordinator';
  readonly method: string;
  readonly args: unknown[];
}
type Response =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly code: string; readonly message: string; readonly key?: string };

/** Serves the main thread's stores to one executor thread. */
export function serveStores(port: MessagePort, store: IntermediateStore, coordinator: Coordinator): void {
  port.on('message', (request: Request) => {
    if (request.id === ONE_WAY) {
      // Inbox messages need no answer: the port keeps their order, and the sender waits for nothing.
      void coordinator.send(request.args[0] as string, request.args[1] as string);
      return;
    }
    const target = request.target === 'store' ? store : coordinator;
    const method = (target as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[request.method];
    if (typeof method !== 'function') {
      port.postMessage({ id: request.id, ok: false, code: 'BAD_INPUT', message: `no method ${request.method}` } satisfies Response);
      return;
    }
    method.apply(target, request.args).then(
      (value) => port.postMessage({ id: request.id, ok: true, value } satisfies Response),
      (error: unknown) => {
        const response: Response =
          error instanceof NotFoundError
            ? { id: request.id, ok: false, code: 'NOT_FOUND', message: error.message, key: error.key }
            : { id: request.id, ok: false, code: error instanceof WukongError ? error.code : 'STORE_FAILED', message: String((error as Error)?.message ?? error) };
        port.postMessage(response);
      },
    );
  });
}

class PortClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();

  constructor(private readonly port: MessagePort) {
    port.on('message', (response: Response) => {
      const waiter = this.pending.get(response.id);
      if (!waiter) return;
      this.pending.delete(response.id);
      if (response.ok) waiter.resolve(response.value);
      else if (response.code === 'NOT_FOUND') waiter.reject(new NotFoundError(response.key ?? '', response.message));
      else waiter.reject(new WukongError('STORE_FAILED', response.message));
    });
  }

  /** Posts a request that gets no response. */
  post(target: Request['target'], method: string, args: unknown[]): void {
    this.port.postMessage({ id: ONE_WAY, target, method, args } satisfies Request);
  }

  call<T>(target: Request['target'], method: string, args: unknown[], transfer: ArrayBuffer[] = []): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.port.postMessage({ id, target, method, args } satisfies Request, transfer);
    });
  }
}

/** An IntermediateStore and a Coordinator in an executor thread, backed by the main thread's. */
export function storeProxies(port: MessagePort): { store: IntermediateStore; coordinator: Coordinator } {
  const client = new PortClient(port);
  const store: IntermediateStore = {
    kind: 'memory',
    put: (key, value) => {
      // Transfer when the bytes own their whole buffer; otherwise copy once so the view survives.
      const owned = value.byteOffset === 0 && value.byteLength === value.buffer.byteLength && value.buffer instanceof ArrayBuffer;
      const bytes = owned ? value : value.slice();
      return client.call('store', 'put', [key, bytes], [bytes.buffer as ArrayBuffer]);
    },
    get: (key) => client.call('store', 'get', [key]),
    has: (key) => client.call('store', 'has', [key]),
    delete: (key) => client.call('store', 'delete', [key]),
    size: (key) => client.call('store', 'size', [key]),
    putStream: async (key, chunks) => {
      const parts: Uint8Array[] = [];
      for await (const chunk of chunks) parts.push(chunk);
      await store.put(key, Buffer.concat(parts));
    },
    getStream: (key) =>
      (async function* () {
        yield await store.get(key);
      })(),
    deletePrefix: (prefix) => client.call('store', 'deletePrefix', [prefix]),
    close: async () => undefined,
  };
  const coordinator: Coordinator = {
    markFanIn: (key, parentId, expected) => client.call<FanInMark>('coordinator', 'markFanIn', [key, parentId, expected]),
    fanInMembers: (key) => client.call('coordinator', 'fanInMembers', [key]),
    claim: (key, owner) => client.call('coordinator', 'claim', [key, owner]),
    increment: (key, by) => client.call('coordinator', 'increment', [key, by]),
    setValue: (key, value) => client.call('coordinator', 'setValue', [key, value]),
    getValue: (key) => client.call('coordinator', 'getValue', [key]),
    send: async (key, message) => client.post('coordinator', 'send', [key, message]),
    receive: (key, timeoutMs) => client.call('coordinator', 'receive', [key, timeoutMs]),
    deletePrefix: (prefix) => client.call('coordinator', 'deletePrefix', [prefix]),
    ttlMs: (key) => client.call('coordinator', 'ttlMs', [key]),
    keys: (prefix) => client.call('coordinator', 'keys', [prefix]),
    close: async () => undefined,
  };
  return { store, coordinator };
}
