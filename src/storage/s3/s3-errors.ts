import { NotFoundError, WukongError } from '../../model/errors.js';

/** What an S3 SDK (or socket) error carries that this module reads. */
interface S3ErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
}

/** Error names S3 uses for "object absent": NoSuchKey (GET), NotFound (HEAD, no body). */
const NOT_FOUND_NAMES = new Set(['NoSuchKey', 'NotFound']);
/** Throttling and transient server-side conditions that S3 documents as safe to retry. */
const RETRYABLE_NAMES = new Set(['SlowDown', 'Throttling', 'ThrottlingException', 'RequestTimeout', 'RequestTimeTooSkewed', 'InternalError', 'ServiceUnavailable', 'TimeoutError']);
/** Socket-level failures: the request may never have reached S3. */
const RETRYABLE_SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_SOCKET']);

export function isS3NotFound(error: unknown): boolean {
  const { name, $metadata } = (error ?? {}) as S3ErrorShape;
  if (name !== undefined && NOT_FOUND_NAMES.has(name)) return true;
  // A 404 that names the bucket is a configuration error, not an absent key.
  return $metadata?.httpStatusCode === 404 && name !== 'NoSuchBucket';
}

/** True for throttling, 5xx and network errors: the same request may succeed later. */
export function isRetryableS3Error(error: unknown): boolean {
  const { name, code, $retryable, $metadata } = (error ?? {}) as S3ErrorShape;
  const status = $metadata?.httpStatusCode;
  if (status !== undefined && (status >= 500 || status === 429)) return true;
  if ($retryable) return true;
  if (name !== undefined && RETRYABLE_NAMES.has(name)) return true;
  return code !== undefined && RETRYABLE_SOCKET_CODES.has(code);
}

/** NotFoundError for an absent key; every other failure as STORE_FAILED with its retryability. */
export function toStoreError(error: unknown, key: string, what: string, where: string): WukongError {
  if (error instanceof WukongError) return error;
  if (isS3NotFound(error)) return new NotFoundError(key, `not found: ${where}`);
  const { name, message } = (error ?? {}) as S3ErrorShape;
  const detail = message || name || String(error);
  return new WukongError('STORE_FAILED', `${where}: ${what} failed: ${detail}`, { cause: error, retryable: isRetryableS3Error(error) });
}
