// The API contract for integrators: /api/openapi.json (generated from the app's own routes, once,
// on first request) and /api/docs, a reference page rendered on the server from that document
// (one HTML file, no script, nothing fetched from elsewhere).
import { readFileSync } from 'node:fs';
import { Router, type Express } from 'express';
import { z } from 'zod';
import { endpoint } from '../http/contract.ts';
import { openApiDocument } from '../http/openapi.ts';
import { renderReference } from './reference-page.ts';

export const packageVersion = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export function openApiRoutes(deps: { app: Express; version: string }): Router {
  const r = Router();
  let doc: Record<string, unknown> | undefined;
  let page: string | undefined;
  // after createApp returned: every route is on the router by then
  const documentOf = () => (doc ??= openApiDocument(deps.app, { version: deps.version }));
  r.get(
    '/openapi.json',
    endpoint(
      {
        summary: 'This OpenAPI 3.1 document',
        tag: 'contract',
        response: { description: 'The OpenAPI document', schema: z.record(z.string(), z.unknown()) },
      },
      (_req, res) => {
        res.setHeader('cache-control', 'no-cache');
        res.json(documentOf());
      },
    ),
  );
  r.get(
    '/docs',
    endpoint(
      {
        summary: 'The API reference page (HTML)',
        tag: 'contract',
        response: { description: 'A self-contained HTML page', contentType: 'text/html' },
      },
      (_req, res) => {
        res.setHeader('cache-control', 'no-cache');
        res.type('html').send((page ??= renderReference(documentOf())));
      },
    ),
  );
  return r;
}
