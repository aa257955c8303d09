import { describe, expect, it } from 'vitest';
import { failureText } from '../../../src/report/failure-text.js';

describe('failureText', () => {
  it('names the task once: not again before a message that already begins with it', () => {
    expect(failureText({ taskId: 'c', message: 'task c (op matrix.matmul) failed: boom' })).toBe('task c (op matrix.matmul) failed: boom');
    expect(failureText({ taskId: 'c', message: 'executor x-a died 3 times' })).toBe('task c: executor x-a died 3 times');
    // Another task named first is not this one: the prefix stays.
    expect(failureText({ taskId: 'c', message: 'task cc (op x) failed' })).toBe('task c: task cc (op x) failed');
    expect(failureText(undefined)).toBe('task ?: no message');
  });
});
