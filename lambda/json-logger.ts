import type { Logger } from '../src/model/logger.js';
import type { LogLevel } from './handler-config.js';

const RANK: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * One JSON object per line on stdout, which Lambda sends to CloudWatch Logs (and the emulator to
 * its log sink). Lines carry runId, taskId and executorId as fields; nothing logs credentials.
 */
export interface JsonLogger extends Logger {
  /** Resolves once every line written so far has left the process (before Lambda freezes it). */
  flush(): Promise<void>;
}

export function createJsonLogger(level: LogLevel, write: (line: string, done?: () => void) => boolean = stdoutWrite): JsonLogger {
  const at = (lineLevel: LogLevel) => (fields: Record<string, unknown>, message: string) => {
    if (RANK[lineLevel] < RANK[level]) return;
    write(`${JSON.stringify({ level: lineLevel, time: new Date().toISOString(), msg: message, ...fields })}\n`);
  };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    flush: () => new Promise<void>((resolve) => void write('', resolve)),
  };
}

function stdoutWrite(line: string, done?: () => void): boolean {
  return process.stdout.write(line, done);
}
