// Structured JSON logging; callers take child loggers carrying request/workflow ids.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string, name = 'health-checkin'): Logger {
  return pino({ name, level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime });
}
