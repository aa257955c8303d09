/**
 * The AWS SDK (v3.1164+) prints a 9-line NodeVersionSupportWarning on every Node below 22, while its
 * own `engines` (and ours) accept Node 20. The notice is about a future SDK release, not this one,
 * so every place that constructs an SDK client turns it off through the SDK's documented variable,
 * before the client is built: the CLI, the library API and the Lambda handler then print nothing
 * on a supported Node. A value the user set is kept.
 */
export function quietSdkNodeVersionNotice(): void {
  // Not configuration read from the environment (the rule's concern): the SDK's own switch, set here
  // because the SDK reads nothing else, and only where an SDK client is about to be built.
  // eslint-disable-next-line no-restricted-properties
  if (Number(process.versions.node.split('.')[0]) < 22) process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}
