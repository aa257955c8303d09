import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, aws_lambda as lambda } from 'aws-cdk-lib';
import { STACK_CONTEXT_KEYS, stackOptionsFromContext } from './stack-options.js';
import { DEFAULT_EXECUTOR_HANDLER, WukongStack } from './wukong-stack.js';

/**
 * The CDK app: `npm run bundle && npm run cdk:synth`, or deploy with the CDK CLI (not a dependency
 * of this package; deploys happen on a machine with AWS credentials):
 *
 *   npx aws-cdk@2 deploy --app "node dist/infra/app.js" --outputs-file cdk-outputs.json
 *
 * Options come from context, e.g. `-c tiers=1024,3008 -c architecture=arm64 -c stackName=WukongDev`
 * (see stack-options.ts). The stack is environment-agnostic: it deploys to the account and region
 * of the CLI's credentials, and synthesizes offline.
 */

/** dist-lambda/ at the repository root, wherever this compiled file (dist/infra/app.js) is run from. */
const DEFAULT_BUNDLE_DIR = fileURLToPath(new URL('../../dist-lambda/', import.meta.url));
const DEFAULT_STACK_NAME = 'Wukong';

const app = new App();
const stackName = String(app.node.tryGetContext('stackName') ?? DEFAULT_STACK_NAME);
const bundleDir = resolve(String(app.node.tryGetContext('bundleDir') ?? DEFAULT_BUNDLE_DIR));
const options = optionsOrExit(() => stackOptionsFromContext((key) => app.node.tryGetContext(key)));

if (!existsSync(bundleDir)) {
  process.stderr.write(`wukong infra: no Lambda bundle at ${bundleDir}; run \`npm run bundle\` first (or pass -c bundleDir=DIR)\n`);
  process.exit(2);
}

new WukongStack(app, stackName, {
  description: `wukong: ${options.tiersMb.length} executor functions (${options.tiersMb.join(', ')} MB), intermediates bucket, Redis`,
  executorCode: lambda.Code.fromAsset(bundleDir),
  executorHandler: DEFAULT_EXECUTOR_HANDLER,
  options,
});

const assembly = app.synth();
// Under the CDK CLI this line goes to its log; run directly it says where the template went.
process.stderr.write(`wukong infra: synthesized ${stackName} to ${assembly.directory} (context keys: stackName, bundleDir, ${STACK_CONTEXT_KEYS.join(', ')})\n`);

/** A bad `-c` value is the user's to fix: say which, without a stack trace. */
function optionsOrExit<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    process.stderr.write(`wukong infra: ${(error as Error).message}\n`);
    process.exit(2);
  }
}
