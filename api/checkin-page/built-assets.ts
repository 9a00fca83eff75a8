// The Vite build's files (admin-ui/dist), served with the .br/.gz copies the build wrote beside them
// when the browser accepts one. Hashed assets never change under their name, so browsers keep them
// for a year; the HTML pages and the service worker are revalidated on every load.
import { existsSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import type { Request, Response } from 'express';

export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const REVALIDATE = 'no-cache';

const ENCODINGS = [
  { name: 'br', suffix: '.br' },
  { name: 'gzip', suffix: '.gz' },
] as const;

// Looked up per request (a stat is cheap): a rebuild replaces the files under a running server.
const exists = (path: string) => existsSync(path) && statSync(path).isFile();

/** The file under `distDir` that a URL path names, or undefined when it leaves the directory. */
export function builtFile(distDir: string, urlPath: string): string | undefined {
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (rel.includes('\0')) return undefined;
  if (rel === '' || rel.endsWith('/')) rel += 'index.html';
  const path = normalize(join(distDir, rel));
  return path.startsWith(distDir + sep) ? path : undefined;
}

/**
 * Sends a built file, compressed when a precompressed copy exists and the request accepts it.
 * Returns false when the file does not exist (the caller answers 404 or 503).
 */
export function sendBuilt(req: Request, res: Response, path: string, cacheControl: string): boolean {
  if (!exists(path)) return false;
  res.setHeader('cache-control', cacheControl);
  res.vary('accept-encoding');
  // The type of the original, not of the .br/.gz file sent in its place.
  res.type(extname(path));
  // No Accept-Encoding header: identity only (a bare client, not a browser).
  const encoding = req.headers['accept-encoding']
    ? ENCODINGS.find((e) => req.acceptsEncodings(e.name) && exists(path + e.suffix))
    : undefined;
  if (encoding) res.setHeader('content-encoding', encoding.name);
  res.sendFile(encoding ? path + encoding.suffix : path, { cacheControl: false });
  return true;
}

/** The admin UI under /admin: index.html for the app's root, hashed assets for a year. */
export function adminUiFiles(distDir: string) {
  return (req: Request, res: Response, next: () => void) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const path = builtFile(distDir, req.path);
    if (!path) return next();
    const hashed = req.path.startsWith('/assets/');
    if (!sendBuilt(req, res, path, hashed ? IMMUTABLE : REVALIDATE)) next();
  };
}
