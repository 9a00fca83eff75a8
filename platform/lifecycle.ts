// Owns a process's end: SIGTERM/SIGINT drain it on purpose, an unhandled rejection or uncaught
// exception is logged and drains it too (exit 1), and a drain that outlives its grace period exits.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Logger } from '../config/logger.ts';

type StopStep = { name: string; stop: () => Promise<void> };

export class Lifecycle {
  private readonly steps: StopStep[] = [];
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly graceMs: number,
    private readonly exit: (code: number) => void = (code) => process.exit(code),
  ) {}

  /** Steps run in reverse order of registration: the last thing started is the first stopped. */
  onStop(name: string, stop: () => Promise<void>): void {
    this.steps.unshift({ name, stop });
  }

  /** Listens for the signals and process-level failures; call once per process (tests pass an emitter). */
  install(events: Pick<NodeJS.EventEmitter, 'on' | 'once'> = process): this {
    events.once('SIGTERM', () => void this.shutdown('SIGTERM', 0));
    events.once('SIGINT', () => void this.shutdown('SIGINT', 0));
    events.on('unhandledRejection', (err: unknown) => {
      this.logger.fatal({ err }, 'unhandled promise rejection');
      void this.shutdown('unhandledRejection', 1);
    });
    events.on('uncaughtException', (err: Error) => {
      this.logger.fatal({ err }, 'uncaught exception');
      void this.shutdown('uncaughtException', 1);
    });
    return this;
  }

  get isStopping(): boolean {
    return this.stopping !== undefined;
  }

  /** Runs every stop step once (later calls wait for the first), then exits with `code`. */
  shutdown(reason: string, code: number): Promise<void> {
    this.stopping ??= this.run(reason, code);
    return this.stopping;
  }

  private async run(reason: string, code: number): Promise<void> {
    this.logger.info({ reason, graceMs: this.graceMs }, 'shutting down');
    // A step that hangs (a stuck activity, a dead database) must not keep the process up forever;
    // the steps get the grace period plus a little for closing connections.
    const force = setTimeout(() => {
      this.logger.error({ reason }, 'shutdown did not finish in time; exiting');
      this.exit(code || 1);
    }, this.graceMs + 5000);
    force.unref();
    let failed = false;
    for (const step of this.steps) {
      try {
        await step.stop();
      } catch (err) {
        failed = true;
        this.logger.error({ err, step: step.name }, 'shutdown step failed');
      }
    }
    clearTimeout(force);
    this.logger.info({ reason }, 'stopped');
    this.exit(code || (failed ? 1 : 0));
  }
}

/**
 * Stops an HTTP server gracefully: no new connections, idle keep-alive connections closed, every
 * in-flight request answered (with `Connection: close`, so clients reconnect elsewhere), and after
 * `graceMs` whatever is still open is cut.
 */
export function drainHttpServer(server: Server, graceMs: number): Promise<void> {
  server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    if (!res.headersSent) res.setHeader('connection', 'close');
  });
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  // Keep-alive connections that become idle after their last response are closed as they do.
  const sweep = setInterval(() => server.closeIdleConnections(), 100);
  const cut = setTimeout(() => server.closeAllConnections(), graceMs);
  return closed.finally(() => {
    clearInterval(sweep);
    clearTimeout(cut);
  });
}
