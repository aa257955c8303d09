import { RedisCoordinator } from '../../../src/storage/redis/redis-coordinator.js';
import type { CoordinatorUnderTest } from './coordinator.conformance.js';

/**
 * The conformance suite's subject for Redis at `url` (redis:// or rediss://): a RedisCoordinator on
 * `keyPrefix`, other clients on the same prefix (other executors' connections), and a cleanup
 * that deletes the prefix's keys and closes every client.
 */
export function redisCoordinatorUnderTest(url: string, keyPrefix: string, ttlSeconds: number): CoordinatorUnderTest {
  const coordinator = new RedisCoordinator(url, { keyPrefix, ttlSeconds });
  const others: RedisCoordinator[] = [];
  return {
    coordinator,
    anotherClient: async () => {
      const other = new RedisCoordinator(url, { keyPrefix, ttlSeconds });
      others.push(other);
      return other;
    },
    cleanup: async () => {
      await coordinator.deletePrefix('');
      for (const other of others) await other.close();
      await coordinator.close();
    },
  };
}
