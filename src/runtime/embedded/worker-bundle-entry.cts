import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runCodeCachedBundle } from '../../bundle/run-bundle.cjs';

/**
 * The entry of an executor thread that runs the thread bundle (./bundle/worker.cjs, made from
 * ./worker-main.ts by scripts/build-bundles.mjs) with its V8 code cache (../../bundle/run-bundle.cts).
 * CommonJS, as the bundle runner is: a thread whose entry is a script starts without Node's ES
 * module loader (a few ms of each thread's start), which nothing in the bundle needs until it
 * imports a package outside it.
 */
runCodeCachedBundle(pathToFileURL(join(__dirname, 'bundle', 'worker.cjs')), 'after-start');
