import type { UserOpModule } from '../src/ops/user-ops.js';

/**
 * The user op modules bundled into this Lambda function. Empty here: `wukong bundle --ops ...`
 * (src/cli/bundle-lambda.ts) replaces this module, in the bundle only, with static imports of the
 * user's modules, so that their code and npm dependencies ship inside dist-lambda/handler.mjs.
 */
export const USER_OP_MODULES: readonly UserOpModule[] = [];
