import { runCodeCachedBundle } from '../../bundle/run-bundle.js';

/**
 * The entry of an executor thread that runs the thread bundle (./bundle/worker.cjs, made from
 * ./worker-main.ts by scripts/build-bundles.mjs) with its V8 code cache (../../bundle/run-bundle.ts).
 */
runCodeCachedBundle(new URL('./bundle/worker.cjs', import.meta.url), 'after-start');
