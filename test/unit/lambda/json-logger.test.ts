import { describe, expect, it } from 'vitest';
import { createJsonLogger } from '../../../lambda/json-logger.js';

/** pino writes each line to a destination with write(); this one keeps them. */
function collect() {
  const lines: string[] = [];
  return { lines, destination: { write: (line: string) => void lines.push(line) } };
}

describe('the Lambda handler logger (pino)', () => {
  it('writes one JSON object per line with level, ISO time, message and the fields', async () => {
    const { lines, destination } = collect();
    const logger = createJsonLogger('info', destination);
    logger.info({ runId: 'r1', taskId: 't1', executorId: 'e1' }, 'task done');
    await logger.flush();
    expect(lines).toHaveLength(1);
    expect(lines[0]!.endsWith('\n')).toBe(true);
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 'info', msg: 'task done', runId: 'r1', taskId: 't1', executorId: 'e1' });
    expect(new Date(line.time as string).toISOString()).toBe(line.time);
    expect(line).not.toHaveProperty('pid');
    expect(line).not.toHaveProperty('hostname');
  });

  it('drops lines below its level and keeps those at or above it', () => {
    const { lines, destination } = collect();
    const logger = createJsonLogger('warn', destination);
    logger.debug({}, 'd');
    logger.info({}, 'i');
    logger.warn({ n: 1 }, 'w');
    logger.error({ n: 2 }, 'e');
    expect(lines.map((l) => (JSON.parse(l) as { level: string }).level)).toEqual(['warn', 'error']);
  });
});
