import { afterEach, describe, expect, it } from 'vitest';
import { createS3Client } from '../../../src/storage/s3/s3-intermediate-store.js';
import { createLambdaClient } from '../../../src/runtime/lambda/lambda-invoker.js';

const VARIABLE = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';
const belowNode22 = Number(process.versions.node.split('.')[0]) < 22;
const saved = process.env[VARIABLE];

afterEach(() => {
  if (saved === undefined) delete process.env[VARIABLE];
  else process.env[VARIABLE] = saved;
});

describe("the SDK's Node-22 notice (issue 21 item 6)", () => {
  it.each([
    ['an S3 client', () => createS3Client({ region: 'us-east-1' })],
    ['a Lambda client', () => createLambdaClient({ region: 'us-east-1' })],
  ])('is off once the library builds %s, on a Node below 22', (_name, build) => {
    delete process.env[VARIABLE];
    build().destroy();
    expect(process.env[VARIABLE]).toBe(belowNode22 ? 'true' : undefined);
  });

  it("keeps a value the user set", () => {
    process.env[VARIABLE] = 'false';
    createS3Client({ region: 'us-east-1' }).destroy();
    expect(process.env[VARIABLE]).toBe('false');
  });
});
