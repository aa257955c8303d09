import { pathToFileURL } from 'node:url';

/**
 * How a user op's own code failed, told so the user can find it: the error's message (its class
 * named unless plain Error) and the first frame of its stack in their module. Shared by every call
 * into user code (run in src/runtime/call-op.ts; cost and shape in ./declaration-call.ts).
 */

/** The thrown value's message, its class named unless it is a plain Error. */
export function thrownMessage(error: unknown): string {
  return error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error);
}

/** The message, then the `at ...` line in the user's module where there is one. */
export function describeUserThrow(error: unknown, source: string | undefined): string {
  const frame = source && error instanceof Error ? userFrame(error, source) : undefined;
  return `${thrownMessage(error)}${frame ? `\n    ${frame}` : ''}`;
}

/** The first `at ...` line of the error's stack in the user's module (or a file beside it). */
export function userFrame(error: Error, source: string): string | undefined {
  const lines = (error.stack ?? '').split('\n').map((line) => line.trim()).filter((line) => line.startsWith('at '));
  const sourceUrl = pathToFileURL(source).href;
  const directory = sourceUrl.slice(0, sourceUrl.lastIndexOf('/') + 1);
  // A .ts module's frames come through its source map, which names the plain path, not the URL.
  const inSource = (line: string) => line.includes(sourceUrl) || line.includes(`(${source}:`);
  return lines.find(inSource) ?? lines.find((line) => line.includes(directory) && !line.includes('/node_modules/'));
}
