/**
 * The pinned AWS SDK supports Node >= 20 (its package.json `engines`), and so does wukong; on Node
 * 20 it still prints a notice that *future* SDK releases will need Node 22. That notice is not
 * about this install, so it is switched off with the SDK's documented variable (unless set). Set
 * before any executor thread starts: a thread gets a copy of the environment as it was then.
 */
export function quietAwsSdkNodeNotice(env: NodeJS.ProcessEnv = process.env): void {
  if (Number(process.versions.node.split('.')[0]) < 22) env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}
