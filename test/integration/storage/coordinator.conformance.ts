import { afterEach, describe, expect, it } from 'vitest';
import type { Coordinator, FanInMark } from '../../../src/storage/coordinator.js';
import { mulberry32 } from '../../helpers/mulberry32.js';

/** One coordinator under test, on an empty keyspace of its own, with the TTL asked for. */
export interface CoordinatorUnderTest {
  readonly coordinator: Coordinator;
  /**
   * A second client on the same keyspace (another executor's connection), for the cases where
   * one client must see another's writes. Absent for in-process adapters: the same coordinator
   * then plays both parts.
   */
  readonly anotherClient?: () => Promise<Coordinator>;
  cleanup(): Promise<void>;
}

const RECEIVE_TIMEOUT_MS = 300;
/** receive() must not come back before this share of its timeout. */
const EARLIEST_TIMEOUT_SHARE = 0.8;
/** A generous bound on "well before the timeout" for a busy CI machine. */
const WOKEN_WITHIN_MS = 2_000;

/**
 * The one contract every Coordinator adapter must meet (memory, Redis): call it from an adapter's
 * test file with a factory that opens a fresh coordinator with the given TTL.
 */
export function describeCoordinatorConformance(name: string, factory: (opts: { ttlSeconds: number }) => Promise<CoordinatorUnderTest>): void {
  describe(`Coordinator conformance: ${name}`, () => {
    let subjects: CoordinatorUnderTest[] = [];
    /** Opens a coordinator that the case's afterEach cleans up. */
    const open = async (ttlSeconds = 60): Promise<CoordinatorUnderTest> => {
      const subject = await factory({ ttlSeconds });
      subjects.push(subject);
      return subject;
    };
    /** Two clients of one keyspace: the coordinator and another client (or itself again). */
    const openPair = async (ttlSeconds = 60): Promise<[Coordinator, Coordinator]> => {
      const subject = await open(ttlSeconds);
      return [subject.coordinator, subject.anotherClient ? await subject.anotherClient() : subject.coordinator];
    };
    afterEach(async () => {
      const done = subjects;
      subjects = [];
      for (const subject of done) await subject.cleanup();
    });

    describe('fan-in marks', () => {
      it('completes for the parent whose mark completes the set, and only for it', async () => {
        const { coordinator } = await open();
        expect(await coordinator.markFanIn('fi/c', 'a', 3)).toEqual({ complete: false, marked: 1, duplicate: false });
        expect(await coordinator.markFanIn('fi/c', 'b', 3)).toEqual({ complete: false, marked: 2, duplicate: false });
        expect(await coordinator.markFanIn('fi/c', 'c', 3)).toEqual({ complete: true, marked: 3, duplicate: false });
        expect(await coordinator.markFanIn('fi/c', 'a', 3)).toEqual({ complete: false, marked: 3, duplicate: true });
        expect((await coordinator.fanInMembers('fi/c')).sort()).toEqual(['a', 'b', 'c']);
      });

      it('answers complete again to a repeated mark by the completing parent (a retried executor)', async () => {
        const { coordinator } = await open();
        await coordinator.markFanIn('fi/r', 'a', 2);
        expect(await coordinator.markFanIn('fi/r', 'b', 2)).toEqual({ complete: true, marked: 2, duplicate: false });
        expect(await coordinator.markFanIn('fi/r', 'b', 2)).toEqual({ complete: true, marked: 2, duplicate: true });
        expect(await coordinator.markFanIn('fi/r', 'a', 2)).toEqual({ complete: false, marked: 2, duplicate: true });
      });

      it('does not count a duplicate mark before the set is complete', async () => {
        const { coordinator } = await open();
        await coordinator.markFanIn('fi/d', 'a', 2);
        expect(await coordinator.markFanIn('fi/d', 'a', 2)).toEqual({ complete: false, marked: 1, duplicate: true });
        expect(await coordinator.markFanIn('fi/d', 'b', 2)).toMatchObject({ complete: true, marked: 2 });
      });

      it('completes a single-parent fan-in at once; fan-ins at different keys are independent', async () => {
        const { coordinator } = await open();
        expect(await coordinator.markFanIn('fi/one', 'only', 1)).toEqual({ complete: true, marked: 1, duplicate: false });
        expect(await coordinator.markFanIn('fi/other', 'only', 2)).toEqual({ complete: false, marked: 1, duplicate: false });
        expect(await coordinator.fanInMembers('fi/never')).toEqual([]);
      });

      it('50 concurrent marks (25 parents, each twice) from two clients: one completer, 25 marked', async () => {
        const [first, second] = await openPair();
        const expected = 25;
        for (let round = 0; round < 5; round += 1) {
          const key = `fi/race-${round}`;
          const parents = Array.from({ length: expected }, (_, i) => `p${i}`);
          const calls = shuffled([...parents, ...parents], round + 1);
          const marks = await Promise.all(calls.map((parent, i) => (i % 2 === 0 ? first : second).markFanIn(key, parent, expected).then((mark) => ({ parent, mark }))));

          const completers = new Set(marks.filter(({ mark }) => mark.complete).map(({ parent }) => parent));
          expect(completers.size).toBe(1);
          const [completer] = [...completers];
          // The completer's first mark saw the set become complete; its repeat, if later, sees it again.
          const completing = marks.filter(({ mark }) => mark.complete && !mark.duplicate);
          expect(completing).toHaveLength(1);
          expect(completing[0]?.parent).toBe(completer);
          expect(completing[0]?.mark.marked).toBe(expected);
          expect(marks.filter(({ mark }) => !mark.duplicate)).toHaveLength(expected);
          expect(new Set(marks.filter(({ mark }) => !mark.duplicate).map(({ parent }) => parent)).size).toBe(expected);
          expect(marks.every(({ mark }) => mark.marked >= 1 && mark.marked <= expected)).toBe(true);
          expect((await first.fanInMembers(key)).sort()).toEqual([...parents].sort());
          expect(await second.markFanIn(key, 'p0', expected)).toMatchObject<Partial<FanInMark>>({ marked: expected, duplicate: true, complete: completer === 'p0' });
        }
      });
    });

    describe('claims', () => {
      it('20 concurrent claimers on two clients: exactly one owner, whose repeat is true again', async () => {
        const [first, second] = await openPair();
        const owners = Array.from({ length: 20 }, (_, i) => `executor-${i}`);
        const results = await Promise.all(owners.map((owner, i) => (i % 2 === 0 ? first : second).claim('claim/task', owner)));

        const winners = owners.filter((_, i) => results[i]);
        expect(winners).toHaveLength(1);
        const winner = winners[0] as string;
        expect(await first.claim('claim/task', winner)).toBe(true);
        expect(await second.claim('claim/task', winner)).toBe(true);
        for (const loser of owners.filter((owner) => owner !== winner)) expect(await first.claim('claim/task', loser)).toBe(false);
        expect(await second.claim('claim/other-task', owners[0] as string)).toBe(true);
      });
    });

    describe('counters and values', () => {
      it('increments by 1 by default, by any amount, and from concurrent callers without losing one', async () => {
        const [first, second] = await openPair();
        expect(await first.increment('count/a')).toBe(1);
        expect(await first.increment('count/a', 5)).toBe(6);
        expect(await second.increment('count/a', -2)).toBe(4);

        const results = await Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? first : second).increment('count/b')));
        expect([...results].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      });

      it('sets and gets small values; a missing value is undefined', async () => {
        const [first, second] = await openPair();
        expect(await first.getValue('value/missing')).toBeUndefined();
        const text = `{"dag":"unicode ✓ 数据","pad":"${'x'.repeat(100_000)}"}`;
        await first.setValue('value/dag', text);
        expect(await second.getValue('value/dag')).toBe(text);
        await second.setValue('value/dag', '');
        expect(await first.getValue('value/dag')).toBe('');
      });
    });

    describe('inboxes', () => {
      it('receive takes every message sent so far, in order, and leaves the inbox empty', async () => {
        const [first, second] = await openPair();
        const messages = ['m1', 'm2', '{"json":true}', '', 'm5'];
        for (const message of messages) await first.send('inbox/a', message);

        expect(await second.receive('inbox/a', 1_000)).toEqual(messages);
        expect(await second.receive('inbox/a', 50)).toEqual([]);
      });

      it('receive on an empty inbox returns [] after about the timeout', async () => {
        const { coordinator } = await open();
        const startedAt = performance.now();
        expect(await coordinator.receive('inbox/empty', RECEIVE_TIMEOUT_MS)).toEqual([]);
        const waitedMs = performance.now() - startedAt;
        expect(waitedMs).toBeGreaterThanOrEqual(RECEIVE_TIMEOUT_MS * EARLIEST_TIMEOUT_SHARE);
        expect(waitedMs).toBeLessThan(RECEIVE_TIMEOUT_MS + 10_000);
      });

      it('a send from another client wakes a waiting receive before its timeout', async () => {
        const [receiver, sender] = await openPair();
        const startedAt = performance.now();
        const received = receiver.receive('inbox/wake', 10_000);
        await sleep(100);
        await sender.send('inbox/wake', 'hello');
        expect(await received).toEqual(['hello']);
        expect(performance.now() - startedAt).toBeLessThan(WOKEN_WITHIN_MS);
      });

      it('concurrent receives on different inboxes of one client do not wait for each other', async () => {
        const [receiver, sender] = await openPair();
        const slow = receiver.receive('inbox/quiet', 4_000);
        const startedAt = performance.now();
        const fast = receiver.receive('inbox/busy', 4_000);
        await sleep(50);
        await sender.send('inbox/busy', 'go');
        expect(await fast).toEqual(['go']);
        expect(performance.now() - startedAt).toBeLessThan(WOKEN_WITHIN_MS);
        await sender.send('inbox/quiet', 'late');
        expect(await slow).toEqual(['late']);
      });

      it('loses and reorders nothing while a consumer drains an inbox a producer keeps filling', async () => {
        const [consumer, producer] = await openPair();
        const sent = Array.from({ length: 200 }, (_, i) => `msg-${i}`);
        const producing = (async () => {
          for (const [i, message] of sent.entries()) {
            await producer.send('inbox/stream', message);
            if (i % 20 === 0) await sleep(5);
          }
        })();
        const received: string[] = [];
        while (received.length < sent.length) {
          const batch = await consumer.receive('inbox/stream', 2_000);
          if (batch.length === 0) break;
          received.push(...batch);
        }
        await producing;
        expect(received).toEqual(sent);
      });
    });

    describe('keys, prefixes and TTLs', () => {
      it('lists and deletes keys by literal prefix, across every kind of key', async () => {
        const { coordinator } = await open();
        await writeOneOfEach(coordinator, 'run*1/');
        await writeOneOfEach(coordinator, 'run?1/');
        await coordinator.setValue('runX1/value', 'other run');

        expect((await coordinator.keys('run*1/')).every((key) => key.startsWith('run*1/'))).toBe(true);
        expect((await coordinator.keys('run*1/')).length).toBeGreaterThanOrEqual(6);
        expect(await coordinator.deletePrefix('run*1/')).toBeGreaterThanOrEqual(6);

        expect(await coordinator.keys('run*1/')).toEqual([]);
        expect(await coordinator.fanInMembers('run*1/fan-in')).toEqual([]);
        expect(await coordinator.claim('run*1/claim', 'someone-else')).toBe(true);
        expect(await coordinator.increment('run*1/counter')).toBe(1);
        expect(await coordinator.getValue('run*1/value')).toBeUndefined();
        expect(await coordinator.receive('run*1/inbox', 50)).toEqual([]);

        expect(await coordinator.getValue('run?1/value')).toBe('value');
        expect(await coordinator.getValue('runX1/value')).toBe('other run');
        expect((await coordinator.fanInMembers('run?1/fan-in')).sort()).toEqual(['a', 'b']);
        expect(await coordinator.deletePrefix('nothing/')).toBe(0);
      });

      it('gives every key written by every method a TTL within (0, ttl]', async () => {
        const ttlSeconds = 30;
        const { coordinator } = await open(ttlSeconds);
        await writeOneOfEach(coordinator, 'ttl/');

        for (const key of ['ttl/fan-in', 'ttl/fan-in-complete', 'ttl/claim', 'ttl/counter', 'ttl/value', 'ttl/inbox']) {
          const ttlMs = await coordinator.ttlMs(key);
          expect(ttlMs, key).toBeGreaterThan(0);
          expect(ttlMs, key).toBeLessThanOrEqual(ttlSeconds * 1000);
        }
        const stored = await coordinator.keys('ttl/');
        expect(stored.length).toBeGreaterThanOrEqual(6);
        for (const key of stored) {
          const ttlMs = await coordinator.ttlMs(key);
          expect(ttlMs, key).toBeGreaterThan(0);
          expect(ttlMs, key).toBeLessThanOrEqual(ttlSeconds * 1000);
        }
        expect(await coordinator.ttlMs('ttl/never-written')).toBe(-2);
      });

      it('forgets every key after its TTL (1 s TTL, checked at 1.5 s)', async () => {
        const { coordinator } = await open(1);
        await writeOneOfEach(coordinator, 'exp/');
        await sleep(1_500);

        expect(await coordinator.fanInMembers('exp/fan-in')).toEqual([]);
        expect(await coordinator.markFanIn('exp/fan-in-complete', 'z', 2)).toEqual({ complete: false, marked: 1, duplicate: false });
        expect(await coordinator.claim('exp/claim', 'someone-else')).toBe(true);
        expect(await coordinator.getValue('exp/value')).toBeUndefined();
        expect(await coordinator.receive('exp/inbox', 50)).toEqual([]);
        expect(await coordinator.ttlMs('exp/counter')).toBe(-2);
        expect(await coordinator.increment('exp/counter')).toBe(1);
      });
    });
  });
}

/** One key of each kind under `prefix`: fan-ins (open and complete), claim, counter, value, inbox. */
async function writeOneOfEach(coordinator: Coordinator, prefix: string): Promise<void> {
  await coordinator.markFanIn(`${prefix}fan-in`, 'a', 3);
  await coordinator.markFanIn(`${prefix}fan-in`, 'b', 3);
  await coordinator.markFanIn(`${prefix}fan-in-complete`, 'a', 1);
  await coordinator.claim(`${prefix}claim`, 'owner');
  await coordinator.increment(`${prefix}counter`, 2);
  await coordinator.setValue(`${prefix}value`, 'value');
  await coordinator.send(`${prefix}inbox`, 'message');
}

/** A deterministic shuffle (mulberry32, seeded), so a failing interleaving can be rerun. */
function shuffled<T>(items: T[], seed: number): T[] {
  const next = mulberry32(seed);
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(next() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
