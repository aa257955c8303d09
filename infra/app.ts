import { existsSync } from 'node:fs';
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
const BUNDLE_DIR = fileURLToPath(new URL('../../dist-lambda/', import.meta.url));
const DEFAULT_STACK_NAME = 'Wukong';

const app = new App();
const stackName = String(app.node.tryGetContext('stackName') ?? DEFAULT_STACK_NAME);
const options = stackOptionsFromContext((key) => app.node.tryGetContext(key));

if (!existsSync(BUNDLE_DIR)) {
  process.stderr.write(`wukong infra: no Lambda bundle at ${BUNDLE_DIR}; run \`npm run bundle\` first\n`);
  process.exit(2);
}

new WukongStack(app, stackName, {
  description: `wukong: ${options.tiersMb.length} executor functions (${options.tiersMb.join(', ')} MB), intermediates bucket, Redis`,
  executorCode: lambda.Code.fromAsset(BUNDLE_DIR),
  executorHandler: DEFAULT_EXECUTOR_HANDLER,
  options,
});

const assembly = app.synth();
// Under the CDK CLI this line goes to its log; run directly it says where the template went.
process.stderr.write(`wukong infra: synthesized ${stackName} to ${assembly.directory} (context keys: stackName, ${STACK_CONTEXT_KEYS.join(', ')})\n`);
