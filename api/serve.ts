// Listens over HTTP, or HTTPS with TLS 1.3 only when a certificate is configured.
import { readFileSync } from 'node:fs';
import { createServer as createHttp, type Server } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type express from 'express';
import type { AppConfig } from '../config/config.ts';

export function listen(app: express.Express, api: AppConfig['api'], port = api.port): Promise<Server> {
  const server = api.tls
    ? createHttps(
        { cert: readFileSync(api.tls.certFile), key: readFileSync(api.tls.keyFile), minVersion: 'TLSv1.3' },
        app,
      )
    : createHttp(app);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, api.host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
