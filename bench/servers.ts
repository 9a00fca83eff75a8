// The Temporal server a benchmark runs against: the dev server (SQLite) or the production one
// (scripts/temporal-server.ts: v1.29.1 on Postgres, in databases of its own, dropped first).
import { join } from 'node:path';
import { ensureTemporalCli, freePort, startTemporalDevServer } from '../scripts/temporal-cli.ts';
import {
  DEFAULT_SHARDS,
  dropTemporalDatabases,
  startTemporalProductionServer,
} from '../scripts/temporal-server.ts';

export interface BenchServer {
  address: string;
  kind: string;
  stop(): Promise<void>;
}

/** The production server's options a bench takes from its command line (`--shards`, `--shard-io`, `--idle-share`). */
export function serverOptions(opt: (name: string) => string | undefined) {
  const num = (name: string) => (opt(name) ? Number(opt(name)) : undefined);
  return { shards: num('shards'), shardIOConcurrency: num('shard-io'), idleShare: num('idle-share') };
}

export async function startServer(
  kind: string,
  tmp: string,
  o: { shards?: number; shardIOConcurrency?: number; idleShare?: number } = {},
): Promise<BenchServer> {
  if (kind === 'production') {
    const port = await freePort();
    const shards = o.shards ?? DEFAULT_SHARDS;
    const io = o.shardIOConcurrency ?? 2;
    const s = await startTemporalProductionServer({
      port,
      shards,
      shardIOConcurrency: io,
      idleShare: o.idleShare,
      database: `hc_bench_temporal_${port}`,
      fresh: true,
      dataDir: join(tmp, 'temporal-server'),
    });
    return {
      address: s.address,
      kind: `Temporal server v1.29.1 on Postgres, ${shards} history shards, shard IO concurrency ${io}${o.idleShare === undefined || o.idleShare === 1 ? '' : `, ${o.idleShare} of its Postgres connections kept idle`}`,
      stop: async () => {
        await s.stop();
        dropTemporalDatabases({ database: `hc_bench_temporal_${port}` });
      },
    };
  }
  const s = await startTemporalDevServer({
    cli: ensureTemporalCli(),
    port: await freePort(),
    dbFile: join(tmp, 'temporal.db'),
  });
  return { address: s.address, kind: 'Temporal dev server (SQLite, WAL)', stop: () => s.stop() };
}
