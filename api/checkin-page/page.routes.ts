// The employee page (/checkin), the guard's pass check (/pass/verify) and the page's service worker,
// all built by Vite into admin-ui/dist; plus the little public configuration the page needs.
import { z } from 'zod';
import { join } from 'node:path';
import { Router, type Request, type Response } from 'express';
import { endpoint } from '../http/contract.ts';
import { AppError } from '../http/errors.ts';
import { REVALIDATE, sendBuilt } from './built-assets.ts';

export function checkinPageRoutes(deps: { distDir: string; corpId: string }): Router {
  const r = Router();
  // Always revalidated: the service worker keeps the offline copy, not the HTTP cache.
  const send = (req: Request, res: Response, file: string) => {
    if (!sendBuilt(req, res, join(deps.distDir, file), REVALIDATE))
      throw new AppError('unavailable', 503, 'The page is not built yet: run npm run build');
  };
  const html = { description: 'The page (revalidated on every load)', contentType: 'text/html' };
  r.get(
    ['/checkin', '/pass/verify'],
    endpoint(
      { summary: "The employee's check-in page and the guard's pass check (HTML)", response: html },
      (req, res) => send(req, res, 'checkin.html'),
    ),
  );
  r.get(
    '/checkin-sw.js',
    endpoint(
      {
        summary: "The check-in page's service worker",
        response: { description: 'The script (revalidated on every load)', contentType: 'text/javascript' },
      },
      (req, res) => send(req, res, 'checkin-sw.js'),
    ),
  );
  r.get(
    '/api/public/config',
    endpoint(
      {
        summary: 'What the check-in page needs before sign-in',
        response: {
          description: "DingTalk's corpId for the JSAPI",
          schema: z.object({ corpId: z.string() }),
        },
      },
      (_req, res) => {
        res.json({ corpId: deps.corpId });
      },
    ),
  );
  return r;
}
