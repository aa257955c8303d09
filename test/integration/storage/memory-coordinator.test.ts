import { MemoryCoordinator } from '../../../src/storage/memory/memory-coordinator.js';
import { describeCoordinatorConformance } from './coordinator.conformance.js';

describeCoordinatorConformance('memory', async ({ ttlSeconds }) => {
  const coordinator = new MemoryCoordinator({ ttlSeconds });
  return { coordinator, cleanup: () => coordinator.close() };
});
