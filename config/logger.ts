// Structured JSON logging; callers take child loggers carrying request/workflow ids.
import { pino, type Logger } from 'pino';

export type { Logger };

/** `toStderr`: one-shot scripts keep stdout for their result (JSON a caller may parse). */
export function createLogger(level: string, name = 'health-checkin', toStderr = false): Logger {
  const options = { name, level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime };
  return toStderr ? pino(options, pino.destination(2)) : pino(options);
}
