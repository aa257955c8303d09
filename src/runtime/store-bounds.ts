import type { Coordinator } from '../storage/coordinator.js';
import type { IntermediateStore } from '../storage/intermediate-store.js';
import { WukongError } from '../model/errors.js';
import { CallDeadlines, type CallDeadline } from './call-deadlines.js';

/**
 * How long one store call of an executor may go without an answer before it fails: any get, mark,
 * claim, send or small put. The adapters have their own, looser bounds (Redis: 60 s per command;
 * S3: 30 s socket idle per attempt, six attempts); this one holds whatever the store does, even a
 * Redis stopped with SIGSTOP, whose sockets stay open.
 */
export const STORE_CALL_TIMEOUT_MS = 30_000;
/** A put gets this much longer per MB it carries (a link of 1 MB/s at worst). */
export const STORE_CALL_MS_PER_MB = 1_000;

/** A call's time limit and why it is what it is, for the message. */
export interface CallLimit {
  readonly ms: number;
  readonly why: string;
}

/** The limit of one call: `method` of the store, `extraMs` more for its payload or its own wait. */
export type LimitOf = (method: string, extraMs: number) => CallLimit;

/** The tighter of two limits. */
export const tighter =
  (a: LimitOf, b: LimitOf): LimitOf =>
  (method, extraMs) => {
    const [x, y] = [a(method, extraMs), b(method, extraMs)];
    return x.ms <= y.ms ? x : y;
  };

/** The stated per-call limit: STORE_CALL_TIMEOUT_MS plus what the call itself asks for. */
export const callTimeout: LimitOf = (_method, extraMs) => ({ ms: STORE_CALL_TIMEOUT_MS + extraMs, why: 'the store call timeout' });

/** The run's deadline (epoch ms by `now`): a call may not outlast it. */
export const runDeadline =
  (deadlineAt: number, now: () => number): LimitOf =>
  () => ({ ms: Math.max(0, deadlineAt - now()), why: "the run's deadline" });

/** The deadlines of this thread's bounded calls in flight, one timer for all. */
const deadlines = new CallDeadlines();

const perMbMs = (bytes: number): number => (bytes / 1_048_576) * STORE_CALL_MS_PER_MB;

/**
 * Runs `call` and fails it with STORE_FAILED naming the store when it does not settle within
 * the limit. The call itself is not cancelled (no store API can cancel); the executor stops
 * waiting, fails its task, and the run fails with this message.
 */
export function withinLimit<T>(storeName: string, what: () => string, limit: CallLimit, call: () => Promise<T>): Promise<T> {
  // A limit beyond what a timer can hold (a stream's per-call part) is no limit.
  if (!(limit.ms < 2 ** 31 - 1)) return call();
  return new Promise<T>((resolve, reject) => {
    const deadline: CallDeadline = {
      at: performance.now() + limit.ms,
      expire: () => reject(new WukongError('STORE_FAILED', `${storeName}: ${what()} did not answer within ${Math.round(limit.ms)} ms (${limit.why})`, { retryable: true })),
    };
    deadlines.add(deadline);
    const settle = () => deadlines.delete(deadline);
    try {
      call().then(
        (value) => {
          settle();
          resolve(value);
        },
        (error: unknown) => {
          settle();
          reject(error);
        },
      );
    } catch (error) {
      settle();
      reject(error);
    }
  });
}

/** Bounds a call of `target` by `limitOf`, unless it settles locally (see IntermediateStore.settlesLocally). */
function boundOf(target: IntermediateStore | Coordinator, storeName: string, limitOf: LimitOf) {
  return <T>(method: string, key: string, extraMs: number, call: () => Promise<T>): Promise<T> =>
    target.settlesLocally?.(method, key) === true ? call() : withinLimit(storeName, () => `${method} of ${key}`, limitOf(method, extraMs), call);
}

/** A bounded store answers for the store it wraps whether a call settles locally (a wrapper may wrap it again). */
function localCalls(target: IntermediateStore | Coordinator): Pick<IntermediateStore, 'settlesLocally'> {
  const settlesLocally = target.settlesLocally?.bind(target);
  return settlesLocally ? { settlesLocally } : {};
}

/** The intermediate store with every call bounded by `limitOf` (see withinLimit). */
export function boundedIntermediateStore(store: IntermediateStore, storeName: string, limitOf: LimitOf): IntermediateStore {
  const bound = boundOf(store, storeName, limitOf);
  return {
    kind: store.kind,
    ...localCalls(store),
    put: (key, value) => bound('put', key, perMbMs(value.byteLength), () => store.put(key, value)),
    get: (key) => bound('get', key, 0, () => store.get(key)),
    has: (key) => bound('has', key, 0, () => store.has(key)),
    delete: (key) => bound('delete', key, 0, () => store.delete(key)),
    size: (key) => bound('size', key, 0, () => store.size(key)),
    // The chunks come from the caller (an op may still be computing them): the deadline bounds
    // the whole, and the adapter bounds each request.
    putStream: (key, chunks) => bound('putStream', key, Number.POSITIVE_INFINITY, () => store.putStream(key, chunks)),
    getStream: (key) => boundedChunks(store.getStream(key), (next) => bound('getStream', key, 0, next)),
    // Cleanup and gc (never an executor): bounded by their callers (settleWithin), and may rightly take long.
    deletePrefix: (prefix) => store.deletePrefix(prefix),
    close: () => store.close(),
  };
}

/** The coordinator with every call an executor makes bounded by `limitOf` (see withinLimit). */
export function boundedCoordinator(coordinator: Coordinator, storeName: string, limitOf: LimitOf): Coordinator {
  const bound = boundOf(coordinator, storeName, limitOf);
  return {
    ...localCalls(coordinator),
    markFanIn: (key, parentId, expected) => bound('markFanIn', key, 0, () => coordinator.markFanIn(key, parentId, expected)),
    fanInMembers: (key) => bound('fanInMembers', key, 0, () => coordinator.fanInMembers(key)),
    claim: (key, owner) => bound('claim', key, 0, () => coordinator.claim(key, owner)),
    increment: (key, by) => bound('increment', key, 0, () => coordinator.increment(key, by)),
    setValue: (key, value) => bound('setValue', key, perMbMs(value.length), () => coordinator.setValue(key, value)),
    getValue: (key) => bound('getValue', key, 0, () => coordinator.getValue(key)),
    send: (key, message) => bound('send', key, perMbMs(message.length), () => coordinator.send(key, message)),
    // A receive waits for messages by design: its own timeout comes on top of the limit.
    receive: (key, timeoutMs) => bound('receive', key, timeoutMs, () => coordinator.receive(key, timeoutMs)),
    ttlMs: (key) => bound('ttlMs', key, 0, () => coordinator.ttlMs(key)),
    // Cleanup and gc (never an executor): bounded by their callers, and may rightly take long.
    deletePrefix: (prefix) => coordinator.deletePrefix(prefix),
    keys: (prefix) => coordinator.keys(prefix),
    close: () => coordinator.close(),
  };
}

/** Each chunk of a stream within the limit (a stalled body cannot hold the reader). */
async function* boundedChunks(chunks: AsyncIterable<Uint8Array>, bound: (next: () => Promise<IteratorResult<Uint8Array>>) => Promise<IteratorResult<Uint8Array>>): AsyncIterable<Uint8Array> {
  const iterator = chunks[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await bound(() => iterator.next());
      if (next.done) return;
      yield next.value;
    }
  } finally {
    void iterator.return?.();
  }
}

/** What each bounded store wraps, and its name, so a run's executor can add the run's deadline. */
const origins = new WeakMap<object, { readonly raw: IntermediateStore | Coordinator; readonly storeName: string }>();

/**
 * An executor host's stores, every call bounded by STORE_CALL_TIMEOUT_MS (plus its payload's and
 * its own wait's allowance), failing with a message that starts with `names`' store name.
 */
export function boundStores<S extends { store: IntermediateStore; coordinator: Coordinator }>(stores: S, names: { readonly store: string; readonly coordinator: string }): S {
  const store = boundedIntermediateStore(stores.store, names.store, callTimeout);
  const coordinator = boundedCoordinator(stores.coordinator, names.coordinator, callTimeout);
  origins.set(store, { raw: stores.store, storeName: names.store });
  origins.set(coordinator, { raw: stores.coordinator, storeName: names.coordinator });
  return { ...stores, store, coordinator };
}

/**
 * The same stores for one run's executor: each call bounded by the per-call timeout and by the
 * run's deadline (epoch ms by `now`), whichever comes first. Stores not from boundStores (tests
 * that inject their own) are named by their kind.
 */
export function withRunDeadline(stores: { store: IntermediateStore; coordinator: Coordinator }, deadlineAt: number, now: () => number): { store: IntermediateStore; coordinator: Coordinator } {
  const limit = tighter(callTimeout, runDeadline(deadlineAt, now));
  const store = origins.get(stores.store) ?? { raw: stores.store, storeName: `${stores.store.kind} store` };
  const coordinator = origins.get(stores.coordinator) ?? { raw: stores.coordinator, storeName: 'the coordination store' };
  return {
    store: boundedIntermediateStore(store.raw as IntermediateStore, store.storeName, limit),
    coordinator: boundedCoordinator(coordinator.raw as Coordinator, coordinator.storeName, limit),
  };
}
