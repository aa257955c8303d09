import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Runs record metadata by default, and `simulate` and the planners read it back. Each test file
 * gets its own empty store (the CLIs it spawns inherit the variable), so no test sees another's
 * history and nothing is written into the checkout's .wukong/.
 */
process.env.WUKONG_METADATA = mkdtempSync(join(tmpdir(), 'wk-test-metadata-'));
