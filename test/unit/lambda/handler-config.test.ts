import { describe, expect, it } from 'vitest';
import { DEFAULT_DEADLINE_BUFFER_MS, handlerConfigFromEnv, HandlerConfigError } from '../../../lambda/handler-config.js';

/** The executor function's environment, as the CDK stack sets it. */
const STACK_ENV = {
  WUKONG_REDIS_URL: 'rediss://cache.example:6379',
  WUKONG_S3_BUCKET: 'wukong-intermediates',
  WUKONG_FUNCTION_PREFIX: 'Wukong-executor-',
  WUKONG_FUNCTIONS_BY_TIER: '{"1769":"Wukong-executor-1769","3008":"Wukong-executor-3008"}',
  WUKONG_MEMORY_MB: '1769',
  AWS_REGION: 'eu-west-1',
};

function configError(env: Record<string, string | undefined>): string {
  try {
    handlerConfigFromEnv(env);
  } catch (error) {
    expect(error).toBeInstanceOf(HandlerConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a HandlerConfigError');
}

describe('handlerConfigFromEnv', () => {
  it('reads the stack\'s environment: Redis coordination, S3 intermediates, functions by tier', () => {
    const config = handlerConfigFromEnv(STACK_ENV);
    expect(config.stores.coordinator).toEqual({ kind: 'redis', url: 'rediss://cache.example:6379' });
    expect(config.stores.intermediate).toEqual({ kind: 's3', bucket: 'wukong-intermediates', region: 'eu-west-1' });
    expect(config.functions).toEqual({ byTier: { '1769': 'Wukong-executor-1769', '3008': 'Wukong-executor-3008' } });
    expect(config.memoryMb).toBe(1769);
    expect(config.region).toBe('eu-west-1');
    expect(config.lambdaEndpoint).toBeUndefined();
    expect(config.deadlineBufferMs).toBe(DEFAULT_DEADLINE_BUFFER_MS);
    expect(config.metadataUrl).toBe('rediss://cache.example:6379');
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('honours local endpoints (emulator, s3rver) with path-style S3', () => {
    const config = handlerConfigFromEnv({ ...STACK_ENV, AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:4569', AWS_ENDPOINT_URL_LAMBDA: 'http://127.0.0.1:9001' });
    expect(config.stores.intermediate).toEqual({ kind: 's3', bucket: 'wukong-intermediates', region: 'eu-west-1', endpoint: 'http://127.0.0.1:4569', forcePathStyle: true });
    expect(config.lambdaEndpoint).toBe('http://127.0.0.1:9001');
  });

  it('falls back to the prefix, Lambda\'s memory variable, Redis intermediates and us-east-1', () => {
    const config = handlerConfigFromEnv({ WUKONG_REDIS_URL: 'redis://localhost:6380', WUKONG_FUNCTION_PREFIX: 'wk-', AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512', WUKONG_S3_BUCKET: '' });
    expect(config.functions).toEqual({ prefix: 'wk-' });
    expect(config.memoryMb).toBe(512);
    expect(config.stores.intermediate).toEqual({ kind: 'redis', url: 'redis://localhost:6380' });
    expect(config.region).toBe('us-east-1');
  });

  it('names a missing Redis URL', () => {
    const { WUKONG_REDIS_URL: _omitted, ...env } = STACK_ENV;
    expect(configError(env)).toContain('WUKONG_REDIS_URL: required');
  });

  it('names every bad variable at once', () => {
    const message = configError({ ...STACK_ENV, WUKONG_REDIS_URL: 'http://nope', WUKONG_MEMORY_MB: '64', WUKONG_DEADLINE_BUFFER_MS: 'soon' });
    expect(message).toContain('WUKONG_REDIS_URL: a redis:// or rediss:// URL');
    expect(message).toContain('WUKONG_MEMORY_MB: between 128 and 10240');
    expect(message).toContain('WUKONG_DEADLINE_BUFFER_MS: a whole number');
  });

  it('requires a memory tier and a way to name functions', () => {
    const message = configError({ WUKONG_REDIS_URL: 'redis://localhost:6379' });
    expect(message).toContain('WUKONG_MEMORY_MB: required');
    expect(message).toContain('WUKONG_FUNCTIONS_BY_TIER or WUKONG_FUNCTION_PREFIX: one is required');
  });

  it('refuses a tier map that is not JSON, or lacks this function\'s tier', () => {
    const { WUKONG_FUNCTION_PREFIX: _prefix, ...withoutPrefix } = STACK_ENV;
    expect(configError({ ...withoutPrefix, WUKONG_FUNCTIONS_BY_TIER: '{1769: x}' })).toContain('WUKONG_FUNCTIONS_BY_TIER: JSON such as');
    expect(configError({ ...withoutPrefix, WUKONG_MEMORY_MB: '512' })).toContain('WUKONG_FUNCTIONS_BY_TIER: no executor function for 512 MB');
  });

  it('turns metadata off, or sends it elsewhere', () => {
    expect(handlerConfigFromEnv({ ...STACK_ENV, WUKONG_METADATA_URL: 'off' }).metadataUrl).toBeUndefined();
    expect(handlerConfigFromEnv({ ...STACK_ENV, WUKONG_METADATA_URL: 'redis://meta:6379' }).metadataUrl).toBe('redis://meta:6379');
    expect(configError({ ...STACK_ENV, WUKONG_METADATA_URL: 'file:///tmp' })).toContain('WUKONG_METADATA_URL');
  });
});
