import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../../src/model/errors.js';
import { functionDefinitions } from '../../../src/emulator/functions-file.js';

describe('the emulator\'s functions file', () => {
  it('fills functions from the defaults and resolves bundles next to the file', () => {
    const functions = functionDefinitions(
      {
        defaults: { bundle: '../dist-lambda/handler.mjs', timeoutSeconds: 60, environment: { SHARED: 'a', OVERRIDDEN: 'default' } },
        functions: [
          { name: 'wk-1769', memoryMb: 1769, environment: { OVERRIDDEN: 'own' } },
          { name: 'other', bundle: '/abs/other.mjs', handler: 'main', reservedConcurrency: 2 },
        ],
      },
      '/repo/.wukong',
    );
    expect(functions).toEqual([
      {
        name: 'wk-1769',
        bundlePath: join('/repo', 'dist-lambda/handler.mjs'),
        handlerExport: 'handler',
        memoryMb: 1769,
        timeoutSeconds: 60,
        environment: { SHARED: 'a', OVERRIDDEN: 'own' },
      },
      { name: 'other', bundlePath: '/abs/other.mjs', handlerExport: 'main', memoryMb: 128, timeoutSeconds: 60, environment: { SHARED: 'a', OVERRIDDEN: 'default' }, reservedConcurrency: 2 },
    ]);
  });

  it('names what is wrong', () => {
    const problems = (raw: unknown) => {
      try {
        functionDefinitions(raw, '/x', 'fns.json');
      } catch (error) {
        expect(error).toBeInstanceOf(BadInputError);
        return (error as Error).message;
      }
      throw new Error('expected bad input');
    };
    expect(problems({ functions: [] })).toContain('functions: at least one function');
    expect(problems({ functions: [{ name: 'a b', bundle: 'x.mjs' }] })).toContain('functions.0.name: a Lambda function name');
    expect(problems({ functions: [{ name: 'a', bundle: 'x.mjs', memoryMb: 64 }] })).toContain('functions.0.memoryMb');
    expect(problems({ functions: [{ name: 'a', bundle: 'x.mjs', timeoutSeconds: 901 }] })).toContain('functions.0.timeoutSeconds');
    expect(problems({ functions: [{ name: 'a' }] })).toContain('no bundle');
    expect(problems({ functions: [{ name: 'a', bundle: 'x' }, { name: 'a', bundle: 'y' }] })).toContain('"a" is listed twice');
    expect(problems({ functions: [{ name: 'a', bundle: 'x', runtime: 'python' }] })).toContain('fns.json');
  });
});
