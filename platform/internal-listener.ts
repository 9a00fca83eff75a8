// Listening for the process's internal endpoints (metrics, worker health): bound before resolving,
// with its URL and a close that drops keep-alive connections (a scraper's would hold it open).
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface InternalListener {
  server: Server;
  url: string;
  close: () => Promise<void>;
}

export async function listenInternal(server: Server, port: number, host: string): Promise<InternalListener> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const a = server.address() as AddressInfo;
  return {
    server,
    url: `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
