/**
 * The Invoke API's request, as the emulator reads it (docs.aws.amazon.com/lambda/latest/dg/
 * API_Invoke.html): POST /2015-03-31/functions/{FunctionName}/invocations, with the invocation
 * type in X-Amz-Invocation-Type and an optional Qualifier. Pure: no I/O.
 */
export type InvocationType = 'RequestResponse' | 'Event' | 'DryRun';

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations\/?$/;
/** `name`, `name:qualifier`, `123456789012:function:name[:q]`, `arn:aws:lambda:region:acct:function:name[:q]`. */
const FUNCTION_REF = /^(?:arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:function:|\d{12}:function:)?([A-Za-z0-9_-]{1,64})(?::(\$LATEST|[A-Za-z0-9_-]+))?$/;

export interface FunctionRef {
  readonly name: string;
  readonly qualifier?: string;
}

/** The function named by an Invoke path, or undefined when the path is not an Invoke call. */
export function parseInvokePath(pathname: string): { readonly functionRef: string } | undefined {
  const match = INVOKE_PATH.exec(pathname);
  if (!match?.[1]) return undefined;
  try {
    return { functionRef: decodeURIComponent(match[1]) };
  } catch {
    return undefined;
  }
}

/** Splits a function name or ARN; undefined when it is neither. */
export function parseFunctionRef(ref: string, queryQualifier?: string | null): FunctionRef | undefined {
  const match = FUNCTION_REF.exec(ref);
  if (!match?.[1]) return undefined;
  const qualifier = queryQualifier ?? match[2];
  return { name: match[1], ...(qualifier ? { qualifier } : {}) };
}

/** The invocation type header; absent means RequestResponse. Undefined for an unknown value. */
export function parseInvocationType(header: string | string[] | undefined): InvocationType | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value === '') return 'RequestResponse';
  return value === 'RequestResponse' || value === 'Event' || value === 'DryRun' ? value : undefined;
}

/** The function's ARN as Lambda writes it in messages. */
export function functionArn(region: string, accountId: string, name: string): string {
  return `arn:aws:lambda:${region}:${accountId}:function:${name}`;
}
