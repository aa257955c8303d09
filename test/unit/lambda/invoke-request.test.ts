import { describe, expect, it } from 'vitest';
import { functionArn, parseFunctionRef, parseInvocationType, parseInvokePath } from '../../../src/emulator/invoke-request.js';

describe('the Invoke API request', () => {
  it('finds the function in an Invoke path, URL-decoded', () => {
    expect(parseInvokePath('/2015-03-31/functions/my-fn/invocations')).toEqual({ functionRef: 'my-fn' });
    expect(parseInvokePath('/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Amy-fn/invocations')).toEqual({
      functionRef: 'arn:aws:lambda:us-east-1:123456789012:function:my-fn',
    });
    expect(parseInvokePath('/2015-03-31/functions/my-fn')).toBeUndefined();
    expect(parseInvokePath('/2014-11-13/functions/my-fn/invoke-async')).toBeUndefined();
  });

  it('accepts a name, a partial ARN or a full ARN, with a qualifier from the ARN or the query', () => {
    expect(parseFunctionRef('my-fn')).toEqual({ name: 'my-fn' });
    expect(parseFunctionRef('my-fn:$LATEST')).toEqual({ name: 'my-fn', qualifier: '$LATEST' });
    expect(parseFunctionRef('123456789012:function:my-fn')).toEqual({ name: 'my-fn' });
    expect(parseFunctionRef('arn:aws:lambda:eu-west-1:123456789012:function:my-fn:prod')).toEqual({ name: 'my-fn', qualifier: 'prod' });
    expect(parseFunctionRef('my-fn', '$LATEST')).toEqual({ name: 'my-fn', qualifier: '$LATEST' });
    expect(parseFunctionRef('not a name')).toBeUndefined();
    expect(parseFunctionRef('x'.repeat(65))).toBeUndefined();
  });

  it('reads the invocation type, RequestResponse by default', () => {
    expect(parseInvocationType(undefined)).toBe('RequestResponse');
    expect(parseInvocationType('Event')).toBe('Event');
    expect(parseInvocationType('DryRun')).toBe('DryRun');
    expect(parseInvocationType(['Event'])).toBe('Event');
    expect(parseInvocationType('event')).toBeUndefined();
  });

  it('writes ARNs as Lambda does', () => {
    expect(functionArn('us-east-1', '000000000000', 'f')).toBe('arn:aws:lambda:us-east-1:000000000000:function:f');
  });
});
