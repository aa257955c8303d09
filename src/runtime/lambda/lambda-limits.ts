import { LAMBDA_ASYNC_PAYLOAD_BYTES } from '../../model/limits.js';

/**
 * Lambda's Invoke limits, as AWS documents them for the Invoke API (docs.aws.amazon.com/lambda/
 * latest/dg/API_Invoke.html): "For synchronous invocations, the maximum payload size is 6 MB. For
 * asynchronous invocations, the maximum payload size is 1 MB." The async limit was 256 KB until
 * AWS raised it in October 2025 (AWS Compute Blog, "More room to build: serverless services now
 * support payloads up to 1 MB"). AWS counts these in binary units: its 413 errors read "Request
 * must be smaller than 6291456 bytes for the InvokeFunction operation".
 */
export const LAMBDA_SYNC_PAYLOAD_BYTES = 6 * 1024 * 1024;
export { LAMBDA_ASYNC_PAYLOAD_BYTES };

/** Lambda's timeout range, in seconds (15 minutes at most). */
export const LAMBDA_MIN_TIMEOUT_SECONDS = 1;
export const LAMBDA_MAX_TIMEOUT_SECONDS = 900;

/** A failed async invocation is retried this many times by Lambda (its default, and its maximum). */
export const LAMBDA_ASYNC_RETRIES = 2;
