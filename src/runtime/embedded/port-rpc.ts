import type { MessagePort } from 'node:worker_threads';
import { NotFoundError, WukongError } from '../../model/errors.js';
import type { Coordinator, FanInMark } from '../../storage/coordinator.js';
import type { IntermediateStore } from '../../storage/intermediate-store.js';
import type { MemoryIntermediateStore } from '../../storage/memory/memory-intermediate-store.js';
import { SharedValueTable, type SharedValueTableInit } from '../../storage/memory/shared-value-table.js';
import type { ExecutorPayload } from '../payload.js';
import { BatchedPort, onBatches } from './batched-port.js';
import type { PutTracker } from './put-tracker.js';
import { ThreadValueCache } from './thread-value-cache.js';
import { payloadText } from './execute-jobs-text.js';
import { isCompactReport, joinCompactReports, splitCompactReport } from '../../model/compact-report.js';
import { SHARED_TEXT_FROM_CHARS, sharedTextOf, type SharedTexts } from './shared-texts.js';

/**
 * The embedded backend keeps its in-memory stores in the CLI's main thread; executor threads reach
 * them through these proxies over a MessagePort. The run's small task outputs are the exception:
 * they live in the run's shared value table (storage/memory/shared-value-table.ts), which the main
 * thread's store hands each thread on this port (SHARED_VALUES) and reads through itself, so a
 * thread puts and gets them in shared memory with no message at all. What the table does not take
 * goes through the port. What needs no answer goes one way and is not waited for: puts, inbox
 * messages, and invocations of further executors. They share one port, so the main thread applies
 * a thread's put before it sees the message or invocation that follows it: whoever learns of a put
 * through the main thread finds it there. Fan-in marks are made in shared memory instead
 * (storage/memory/shared-fan-in-table.ts): a reader that learns of a put from a mark finds a table
 * put at once (published before the mark), and one that misses a put still on the port is answered
 * once the puts in flight have arrived (./put-tracker.ts). Each thread caches what it put and got
 * through the port (./thread-value-cache.ts), so repeated gets of a value in one thread are local.
 * Both directions send what one turn of the event loop posted as one message (./batched-port.ts).
 */
/** Id of the message that hands a thread the store's shared value table (no request asked for it). */
const SHARED_VALUES = -1;
/**
 * One-way calls (no response is sent) travel as `[op, ...args]`: the main thread deserializes
 * several a task (a put, a 'done', an inbox message), and an array of a number and the arguments
 * takes a fraction of the time of a `{ id, target, method, args }` object, whose keys and strings
 * are made anew on every message.
 */
type OneWay = readonly [op: number, ...args: unknown[]];
const PUT = 1;
const SEND = 2;
const INVOKE = 3;
const DONE = 4;
/** Executors' compact reports to one inbox, `[SEND_REPORTS, key, heads, bodies]` (see PortClient.postReport). */
const SEND_REPORTS = 5;

function isOneWay(message: Request | OneWay): message is OneWay {
  return Array.isArray(message);
}

/** Values from this size on are put in shared memory: every thread then reads them without a copy. */
export const SHARED_FROM_BYTES = 64 * 1024;

interface Request {
  readonly id: number;
  readonly target: 'store' | 'coordinator' | 'pool';
  readonly method: string;
  readonly args: unknown[];
}
type Response =
  | { readonly id: typeof SHARED_VALUES; readonly table: SharedValueTableInit | undefined }
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  /** A long coordinator value as UTF-8 in shared memory (see ./shared-texts.ts). */
  | { readonly id: number; readonly ok: true; readonly value: Uint8Array; readonly sharedText: true }
  | { readonly id: number; readonly ok: false; readonly code: string; readonly message: string; readonly key?: string };

/** What the main thread serves: its memory stores, and the pool that takes invocations. */
export interface ServedStores {
  readonly store: MemoryIntermediateStore;
  readonly coordinator: Coordinator;
  /** An invocation of a further executor by an executor of this thread. */
  readonly onInvoke: (payloadText: string) => void;
  /** An invocation of this thread has ended (after everything it sent, on the same port). */
  readonly onDone: (jobId: number, runMs: number, released: boolean) => void;
  /**
   * The puts this thread posts are counted (StoreProxyInit.putsPosted), as the fan-in marks they
   * precede are made in shared memory: reads that miss wait for puts in flight (./put-tracker.ts).
   */
  readonly puts?: { readonly tracker: PutTracker; readonly applied: () => void };
  /** Long coordinator values, encoded once for all threads; none: each is posted as a string. */
  readonly sharedTexts?: SharedTexts;
}

/** What an executor thread needs to open proxies of the main thread's stores. */
export interface StoreProxyInit {
  readonly port: MessagePort;
  /** The store's shared change count (MemoryIntermediateStore.changes). */
  readonly changes: Int32Array;
  readonly ttlSeconds: number;
  /** This thread's count of puts posted, in memory the main thread reads (with ServedStores.puts). */
  readonly putsPosted?: Int32Array;
}

/** Serves the main thread's stores to one executor thread. */
export function serveStores(port: MessagePort, served: ServedStores): void {
  const { store, coordinator } = served;
  const responses = new BatchedPort<Response>(port);
  // The thread reads and writes the current run's table itself (see storeProxies).
  let posted: SharedValueTable | undefined;
  const unfollow = store.followSharedValues((table) => {
    if (table === posted) return;
    posted = table;
    responses.post({ id: SHARED_VALUES, table: table?.init });
  });
  port.once('close', unfollow);
  onBatches(port, (request: Request | OneWay) => {
    if (isOneWay(request)) {
      applyOneWay(served, request);
      return;
    }
    if (request.target === 'store' && request.method === 'getWithTtl') {
      const key = request.args[0] as string;
      answer(responses, request.id, readAfterPuts(() => store.get(key).then((value) => [value, store.ttlMs(key)]), served.puts?.tracker));
      return;
    }
    const target = request.target === 'store' ? store : coordinator;
    const method = (target as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[request.method];
    if (request.target === 'pool' || typeof method !== 'function') {
      responses.post({ id: request.id, ok: false, code: 'BAD_INPUT', message: `no method ${request.method}` });
      return;
    }
    const call = () => method.apply(target, request.args);
    const result = request.target === 'store' && STORE_READS.has(request.method) ? readAfterPuts(call, served.puts?.tracker) : call();
    const isGetValue = request.target === 'coordinator' && request.method === 'getValue';
    answer(responses, request.id, result, isGetValue ? longTextSharer(served.sharedTexts, request.args[0] as string) : undefined);
  });
}

/** For a coordinator getValue of `key`: a long string answer's shared UTF-8 (none without `texts`). */
function longTextSharer(texts: SharedTexts | undefined, key: string): ((value: unknown) => Uint8Array | undefined) | undefined {
  if (!texts) return undefined;
  return (value) => (typeof value === 'string' && value.length >= SHARED_TEXT_FROM_CHARS ? texts.bytesOf(key, value) : undefined);
}

/** Store reads that may miss a value whose put is still on its way (a miss: NOT_FOUND, or has() false). */
const STORE_READS = new Set(['get', 'has', 'size']);

/** How often a read asks again while a dead thread's lost puts may be put by its retries. */
const LOST_PUT_POLL_MS = 5;

/**
 * `read`, asked again after the puts in flight are applied when it missed while some were, and
 * for a while longer (PutTracker.lostPutWaitMs) when a thread died with puts in flight: on Lambda a put is stored before the
 * fan-in mark that follows it, so a completer never misses its parent's output; here the put goes
 * one way in a batch, and a thread killed between the mark and the batch loses it until its retry.
 */
async function readAfterPuts<T>(read: () => Promise<T>, tracker: PutTracker | undefined): Promise<T> {
  if (!tracker) return read();
  const hit = await readHit(read);
  if (hit) return hit.value;
  await new Promise<void>((resolve) => {
    if (!tracker.afterPostedPuts(resolve)) resolve();
  });
  const until = performance.now() + tracker.lostPutWaitMs;
  while (tracker.lostPutsLately() && performance.now() < until) {
    const again = await readHit(read);
    if (again) return again.value;
    await new Promise((resolve) => setTimeout(resolve, LOST_PUT_POLL_MS));
  }
  return read();
}

/** The read's value, or undefined when it missed (NOT_FOUND, or has() false). */
async function readHit<T>(read: () => Promise<T>): Promise<{ readonly value: T } | undefined> {
  try {
    const value = await read();
    return value === false ? undefined : { value };
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    return undefined;
  }
}

function applyOneWay({ store, coordinator, onInvoke, onDone, puts }: ServedStores, call: OneWay): void {
  // The memory store's put and send cannot fail; the port keeps their order.
  const op = call[0];
  if (op === DONE) onDone(call[1] as number, call[2] as number, call[3] === true);
  else if (op === INVOKE) onInvoke(call[1] as string);
  else if (op === PUT) {
    // The memory store's put is synchronous underneath: the value is there when it returns.
    void store.put(call[1] as string, call[2] as Uint8Array);
    puts?.applied();
  } else if (op === SEND) void coordinator.send(call[1] as string, call[2] as string);
  else if (op === SEND_REPORTS) void coordinator.send(call[1] as string, joinCompactReports(call[2] as string[], call[3] as string[]));
}

/** Posts the result of a request; `shareText` may give a long string's shared UTF-8 instead. */
function answer(responses: BatchedPort<Response>, id: number, result: Promise<unknown>, shareText?: (value: unknown) => Uint8Array | undefined): void {
  result.then(
    (value) => {
      const shared = shareText?.(value);
      responses.post(shared ? { id, ok: true, value: shared, sharedText: true } : { id, ok: true, value });
    },
    (error: unknown) => {
      const response: Response =
        error instanceof NotFoundError
          ? { id, ok: false, code: 'NOT_FOUND', message: error.message, key: error.key }
          : { id, ok: false, code: error instanceof WukongError ? error.code : 'STORE_FAILED', message: String((error as Error)?.message ?? error) };
      responses.post(response);
    },
  );
}

class PortClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  private readonly requests: BatchedPort<Request | OneWay>;
  /** The reports to one inbox in the batch being filled (see postReport). */
  private openReports: { readonly key: string; readonly batch: number; readonly heads: string[]; readonly bodies: string[] } | undefined;

  constructor(port: MessagePort, onSharedValues: (table: SharedValueTableInit | undefined) => void) {
    this.requests = new BatchedPort(port);
    onBatches(port, (response: Response) => {
      if ('table' in response) {
        onSharedValues(response.table);
        return;
      }
      const waiter = this.pending.get(response.id);
      if (!waiter) return;
      this.pending.delete(response.id);
      if (response.ok) waiter.resolve('sharedText' in response ? sharedTextOf(response.value) : response.value);
      else if (response.code === 'NOT_FOUND') waiter.reject(new NotFoundError(response.key ?? '', response.message));
      else waiter.reject(new WukongError('STORE_FAILED', response.message));
    });
  }

  /** Posts a request that gets no response. */
  post(...call: OneWay): void {
    this.requests.post(call);
  }

  /**
   * Posts an executor's compact report (model/compact-report.ts) to the inbox `key`, one way. The
   * reports of one batch to one inbox go as one inbox message, at the place of the first of them:
   * the client parses them in one go, and the main thread's coordinator takes one message, not one
   * a report. The main thread applies a batch in one synchronous pass, so nothing there can tell
   * a report moved up within its batch from one sent in its own place. The thread splits each
   * text into head and body here, so that the main thread only joins them.
   */
  postReport(key: string, text: string): void {
    const { head, body } = splitCompactReport(text);
    const open = this.openReports;
    if (open !== undefined && open.key === key && open.batch === this.requests.batchesSent) {
      open.heads.push(head);
      open.bodies.push(body);
      return;
    }
    const heads = [head];
    const bodies = [body];
    this.openReports = { key, batch: this.requests.batchesSent, heads, bodies };
    this.requests.post([SEND_REPORTS, key, heads, bodies]);
  }

  call<T>(target: Request['target'], method: string, args: unknown[]): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.requests.post({ id, target, method, args });
    });
  }
}

/**
 * A copy of `value` that the thread may keep while the main thread keeps it too: large values in
 * shared memory (posting them shares, not copies), small ones in a buffer of their own (posting
 * a view clones its whole buffer, so a view of a larger one is cut out first).
 */
function keepableCopy(value: Uint8Array): Uint8Array {
  if (value.buffer instanceof SharedArrayBuffer) return value;
  if (value.byteLength < SHARED_FROM_BYTES) return value.slice();
  const shared = new Uint8Array(new SharedArrayBuffer(value.byteLength));
  shared.set(value);
  return shared;
}

/**
 * An IntermediateStore and a Coordinator in an executor thread, backed by the main thread's; the
 * invoker of further executors and the end of an invocation, one way on the same port, so that
 * they reach the pool after the puts and inbox messages sent before them.
 */
export function storeProxies(init: StoreProxyInit): {
  store: IntermediateStore;
  coordinator: Coordinator;
  invoke: (payload: ExecutorPayload) => void;
  done: (jobId: number, runMs: number, released?: boolean) => void;
} {
  // The current run's small outputs live in a table in shared memory (SharedValueTable): put
  // and got here, in this thread, with no message. Until the table arrives, and for what it does
  // not take, the main thread's store is asked.
  let table: SharedValueTable | undefined;
  const client = new PortClient(init.port, (shared) => {
    table = shared ? SharedValueTable.open(shared) : undefined;
  });
  const cache = new ThreadValueCache(init.changes);
  const ttlMs = init.ttlSeconds * 1000;
  const local = (key: string): Uint8Array | undefined => table?.get(key) ?? cache.get(key);
  const store: IntermediateStore = {
    kind: 'memory',
    put: async (key, value) => {
      const inTable = table?.put(key, value);
      if (inTable) {
        cache.forget(key);
        // An overwrite: thread caches holding the old value drop it (see ./thread-value-cache.ts).
        if (inTable === 'replaced') Atomics.add(init.changes, 0, 1);
        return;
      }
      const changesBefore = cache.changeCount();
      const bytes = keepableCopy(value);
      cache.forget(key);
      cache.set(key, bytes, Date.now() + ttlMs, changesBefore);
      // Counted before anyone can learn of this put from a fan-in mark (see ./put-tracker.ts).
      if (init.putsPosted) Atomics.add(init.putsPosted, 0, 1);
      client.post(PUT, key, bytes);
    },
    get: async (key) => {
      const found = local(key);
      if (found) return found;
      const changesBefore = cache.changeCount();
      const askedAt = Date.now();
      const [value, remainingMs] = await client.call<[Uint8Array, number]>('store', 'getWithTtl', [key]);
      cache.set(key, value, askedAt + remainingMs, changesBefore);
      return value;
    },
    has: async (key) => local(key) !== undefined || client.call<boolean>('store', 'has', [key]),
    delete: (key) => {
      cache.forget(key);
      // The main thread's store deletes it from the table too, and counts the change.
      return client.call('store', 'delete', [key]);
    },
    size: async (key) => local(key)?.byteLength ?? client.call<number>('store', 'size', [key]),
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
    // A put is posted one way: it resolves as soon as it is posted.
    settlesLocally: (method) => method === 'put',
  };
  const coordinator: Coordinator = {
    markFanIn: (key, parentId, expected) => client.call<FanInMark>('coordinator', 'markFanIn', [key, parentId, expected]),
    fanInMembers: (key) => client.call('coordinator', 'fanInMembers', [key]),
    claim: (key, owner) => client.call('coordinator', 'claim', [key, owner]),
    increment: (key, by) => client.call('coordinator', 'increment', [key, by]),
    setValue: (key, value) => client.call('coordinator', 'setValue', [key, value]),
    getValue: (key) => client.call('coordinator', 'getValue', [key]),
    send: async (key, message) => (isCompactReport(message) ? client.postReport(key, message) : client.post(SEND, key, message)),
    receive: (key, timeoutMs) => client.call('coordinator', 'receive', [key, timeoutMs]),
    deletePrefix: (prefix) => client.call('coordinator', 'deletePrefix', [prefix]),
    ttlMs: (key) => client.call('coordinator', 'ttlMs', [key]),
    keys: (prefix) => client.call('coordinator', 'keys', [prefix]),
    close: async () => undefined,
    // An inbox message is posted one way (see the store's put).
    settlesLocally: (method) => method === 'send',
  };
  return { store, coordinator, invoke: (payload) => client.post(INVOKE, payloadText(payload)), done: (jobId, runMs, released) => client.post(DONE, jobId, runMs, released === true) };
}
