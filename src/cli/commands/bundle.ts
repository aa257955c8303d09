import { relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { bundleLambda } from '../bundle-lambda.js';
import { opsFromFlags, withOpsOptions, type OpsFlags } from '../ops-options.js';
import { withDeprecatedAlias } from '../deprecated-alias.js';

/**
 * `wukong bundle [--ops ...] [--output-dir dist-lambda]`: the Lambda function's code with the user's
 * op modules and their npm dependencies, for the emulator's functions file and the CDK app.
 */
export function registerBundleCommand(program: Command): void {
  const bundle = withOpsOptions(
    program
      .command('bundle')
      .description('bundle the Lambda executor function with your op modules (--ops / wukong.config.json) and their npm dependencies (needs esbuild)'),
  )
    .option('--output-dir <dir>', 'output directory: a new or empty one, or a previous bundle\'s, which is emptied first (one holding anything else is refused)', 'dist-lambda')
    .option('--no-minify', 'keep the bundle readable')
    .addHelpText('after', '\nDeploy the result: the emulator serves it (functions file "bundle": "dist-lambda/handler.mjs"), and the CDK app takes -c bundleDir=dist-lambda.\nExit status: 0, or 2 when an op module does not load, the output directory holds files but no previous bundle, or the bundle cannot be built (the directory is then left as it was).');
  withDeprecatedAlias(bundle, '--outdir <dir>', '--output-dir <dir>').action(async (flags: OpsFlags & { outputDir: string; minify: boolean }) => {
      // Load the modules first: the same checks (syntax, exports, names) as every other command.
      const { modulePaths, registry } = await opsFromFlags(flags);
      const result = await bundleLambda({ outdir: resolve(flags.outputDir), opModules: modulePaths, minify: flags.minify });
      const userOps = registry.names().filter((name) => registry.get(name).source !== undefined);
      process.stdout.write(
        `bundled the executor function -> ${relative(process.cwd(), result.handlerPath) || result.handlerPath} (${(result.bundleBytes / 1024).toFixed(0)} KiB from ${result.modules} modules) + ${result.luaScripts} Lua scripts in lua/; user ops: ${userOps.length ? userOps.join(', ') : 'none'}\n`,
      );
    });
}
