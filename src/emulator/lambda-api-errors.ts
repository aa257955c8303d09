import type { ServerResponse } from 'node:http';

/**
 * Lambda's error responses (REST-JSON): the status, the error type in `x-amzn-errortype`, and a
 * JSON body with `Type` and `message`, which is what @aws-sdk/client-lambda turns into a typed
 * exception (`ResourceNotFoundException`, `TooManyRequestsException`, ...).
 */
export interface LambdaApiError {
  readonly status: number;
  readonly errorType: string;
  readonly message: string;
  /** Extra body fields (a throttle's `Reason`). */
  readonly extra?: Readonly<Record<string, string>>;
}

export const apiErrors = {
  functionNotFound: (arn: string): LambdaApiError => ({ status: 404, errorType: 'ResourceNotFoundException', message: `Function not found: ${arn}` }),
  unknownOperation: (method: string, path: string): LambdaApiError => ({
    status: 404,
    errorType: 'UnknownOperationException',
    message: `the emulator serves Invoke (POST /2015-03-31/functions/{name}/invocations) and ListFunctions; not ${method} ${path}`,
  }),
  badInvocationType: (value: string): LambdaApiError => ({
    status: 400,
    errorType: 'InvalidParameterValueException',
    message: `1 validation error detected: Value '${value}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]`,
  }),
  badJson: (detail: string): LambdaApiError => ({ status: 400, errorType: 'InvalidRequestContentException', message: `Could not parse request body into json: ${detail}` }),
  syncTooLarge: (limitBytes: number): LambdaApiError => ({
    status: 413,
    errorType: 'RequestEntityTooLargeException',
    message: `Request must be smaller than ${limitBytes} bytes for the InvokeFunction operation`,
  }),
  asyncTooLarge: (bytes: number, limitBytes: number): LambdaApiError => ({
    status: 413,
    errorType: 'RequestEntityTooLargeException',
    message: `${bytes} byte payload is too large for the Event invocation type (limit ${limitBytes} bytes)`,
  }),
  throttled: (reason: string): LambdaApiError => ({ status: 429, errorType: 'TooManyRequestsException', message: 'Rate Exceeded.', extra: { Reason: reason } }),
} as const;

export function sendApiError(response: ServerResponse, error: LambdaApiError, requestId: string): void {
  const body = JSON.stringify({ Type: 'User', message: error.message, ...error.extra });
  response.writeHead(error.status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
    'x-amzn-errortype': error.errorType,
    'x-amzn-RequestId': requestId,
    ...(error.status === 429 ? { 'Retry-After': '1' } : {}),
  });
  response.end(body);
}
