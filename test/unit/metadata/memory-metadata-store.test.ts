import { MemoryMetadataStore } from '../../../src/metadata/memory-metadata-store.js';
import { describeMetadataStoreConformance } from './metadata-store.conformance.js';

describeMetadataStoreConformance('memory', async () => new MemoryMetadataStore());
