// The employee page (/checkin), the guard's pass check (/pass/verify) and the page's service worker,
// all built by Vite into admin-ui/dist; plus the little public configuration the page needs.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Router, type Response } from 'express';
import { AppError } from '../http/errors.ts';

export function checkinPageRoutes(deps: { distDir: string; corpId: string }): Router {
  const r = Router();
  const send = (res: Response, file: string, type: string) => {
    const path = join(deps.distDir, file);
    if (!existsSync(path))
      throw new AppError('unavailable', 503, 'The page is not built yet: run npm run build');
    // Always revalidated: the service worker keeps the offline copy, not the HTTP cache.
    res.type(type).setHeader('cache-control', 'no-cache').sendFile(path);
  };
  r.get(['/checkin', '/pass/verify'], (_req, res) => send(res, 'checkin.html', 'html'));
  r.get('/checkin-sw.js', (_req, res) => send(res, 'checkin-sw.js', 'text/javascript'));
  r.get('/api/public/config', (_req, res) => {
    res.json({ corpId: deps.corpId });
  });
  return r;
}
