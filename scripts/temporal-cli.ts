// Finds the Temporal CLI (PATH, TEMPORAL_CLI, or the project's .bin), building it from source once
// when missing, and starts a dev server with our search attributes on SQLite in WAL mode.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createConnection } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../config/config.ts';
import { SEARCH_ATTRIBUTES } from '../workflows/messages.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
/** where the project builds its Go tools (the Temporal CLI, the production server) */
export const binDir = resolve(root, '.bin');
const localBin = resolve(binDir, 'temporal');

function onPath(cmd: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() || undefined : undefined;
}

/** Go, from PATH or its default install place; undefined when missing. */
export function findGo(): string | undefined {
  return onPath('go') ?? (existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
}

/**
 * Builds Go commands from source into the project's .bin/ (`go install pkg@version` for each), once.
 * Only Go module sources are fetched, never a prebuilt binary.
 */
export function goInstall(
  packages: string[],
  what: string,
  log: (msg: string) => void = console.error,
): void {
  const go = findGo();
  if (!go) {
    throw new Error(
      `${what} is not installed and Go is missing, so it cannot be built. Install Go (1.22+) ` +
        `or put the binary on PATH (or point TEMPORAL_ADDRESS at an existing server).`,
    );
  }
  mkdirSync(binDir, { recursive: true });
  log(`Building ${what} from source into .bin/ (first run only, takes a few minutes)…`);
  const r = spawnSync(go, ['install', ...packages], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, GOBIN: binDir, GOFLAGS: '-mod=mod' },
  });
  if (r.status !== 0) throw new Error(`go install of ${what} failed (exit ${r.status})`);
}

export function ensureTemporalCli(explicit?: string, log: (msg: string) => void = console.error): string {
  if (explicit) {
    if (!existsSync(explicit)) throw new Error(`TEMPORAL_CLI=${explicit} does not exist`);
    return explicit;
  }
  if (existsSync(localBin)) return localBin;
  const fromPath = onPath('temporal');
  if (fromPath) return fromPath;
  goInstall(
    [`github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}`],
    `the Temporal CLI ${TEMPORAL_CLI_VERSION}`,
    log,
  );
  if (!existsSync(localBin)) throw new Error(`go install did not produce ${localBin}`);
  log(`Temporal CLI built: ${localBin}`);
  return localBin;
}

export interface DevServerOptions {
  cli: string;
  port: number;
  uiPort?: number;
  /** the Web UI decodes sealed payloads through this codec server (the API's /temporal-codec) */
  uiCodecEndpoint?: string;
  dbFile?: string;
  namespaces?: string[];
  /** synchronous=OFF: faster, fine where losing the last transactions on a power cut is acceptable */
  fastSync?: boolean;
  logFile?: 'inherit' | 'ignore';
}

export interface DevServer {
  address: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function startTemporalDevServer(o: DevServerOptions): Promise<DevServer> {
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(o.port), '--log-level', 'error'];
  if (o.uiPort) args.push('--ui-port', String(o.uiPort));
  else args.push('--headless');
  if (o.uiPort && o.uiCodecEndpoint) args.push('--ui-codec-endpoint', o.uiCodecEndpoint);
  if (o.dbFile) {
    mkdirSync(dirname(resolve(o.dbFile)), { recursive: true });
    args.push('--db-filename', o.dbFile, '--sqlite-pragma', 'journal_mode=WAL');
    if (o.fastSync) args.push('--sqlite-pragma', 'synchronous=OFF');
  }
  for (const ns of o.namespaces ?? []) args.push('--namespace', ns);
  for (const [k, v] of Object.entries(SEARCH_ATTRIBUTES)) args.push('--search-attribute', `${k}=${v}`);
  const child = spawn(o.cli, args, {
    stdio: ['ignore', o.logFile ?? 'ignore', o.logFile ?? 'ignore'],
    detached: false,
  });
  const stop = await serverStarted(child, o.port, {
    name: 'temporal dev server',
    withinMs: 60_000,
    pollMs: 200,
    killAfterMs: 5000,
  });
  return { address: `127.0.0.1:${o.port}`, process: child, stop };
}

/**
 * Waits until a server process just spawned opens `port`, failing if it exits first or takes longer
 * than `withinMs`; answers its `stop`: SIGTERM, then SIGKILL after `killAfterMs`, resolved on exit.
 */
export async function serverStarted(
  child: ChildProcess,
  port: number,
  o: { name: string; withinMs: number; pollMs: number; killAfterMs: number; logHint?: string },
): Promise<() => Promise<void>> {
  let exited = false;
  child.on('exit', () => (exited = true));
  const deadline = Date.now() + o.withinMs;
  while (!(await portOpen(port))) {
    if (exited) throw new Error(`${o.name} exited early (code ${child.exitCode})${o.logHint ?? ''}`);
    if (Date.now() > deadline)
      throw new Error(`${o.name} did not open its port within ${o.withinMs / 1000} s`);
    await new Promise((r) => setTimeout(r, o.pollMs));
  }
  return () =>
    new Promise((res) => {
      if (exited) return res();
      child.once('exit', () => res());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), o.killAfterMs).unref();
    });
}

export function portOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((res) => {
    const s = createConnection({ port, host });
    s.once('connect', () => {
      s.destroy();
      res(true);
    });
    s.once('error', () => res(false));
  });
}

export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => res(port));
    });
  });
}

// `npm run temporal:cli` just provisions the binary and prints its path.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(ensureTemporalCli(loadConfig().temporal.cli));
}
