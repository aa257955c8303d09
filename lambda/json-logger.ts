import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import type { Logger } from '../src/model/logger.js';
import type { LogLevel } from './handler-config.js';

/**
 * One JSON object per line on stdout, which Lambda sends to CloudWatch Logs (and the emulator to
 * its log sink), written by pino: `{"level":"info","time":"<ISO>","msg":...,<fields>}`. Lines
 * carry runId, taskId and executorId as fields; nothing logs credentials. Writes are synchronous
 * (pino.destination sync): Lambda may freeze the process as soon as the handler returns, and an
 * asynchronous buffer would lose the last lines of an executor that failed.
 */
export interface JsonLogger extends Logger {
  /** Resolves once every line written so far has left the process (before Lambda freezes it). */
  flush(): Promise<void>;
}

export function createJsonLogger(level: LogLevel, destination: DestinationStream = pino.destination({ dest: 1, sync: true })): JsonLogger {
  const logger: PinoLogger = pino(
    {
      level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
  return {
    debug: (fields, message) => logger.debug(fields, message),
    info: (fields, message) => logger.info(fields, message),
    warn: (fields, message) => logger.warn(fields, message),
    error: (fields, message) => logger.error(fields, message),
    flush: () => new Promise<void>((resolve) => logger.flush(() => resolve())),
  };
}
