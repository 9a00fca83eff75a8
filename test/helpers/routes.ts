// Every route the Express app declares, read from its router, so a test covering "every write
// endpoint" covers a route added tomorrow without being told.
import type { Express } from 'express';

export interface DeclaredRoute {
  method: string;
  /** as declared, with the mount prefixes joined: /api/ra/employees/:id */
  path: string;
}

interface LayerLike {
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: LayerLike[] };
}

const paths = (raw: unknown): string[] =>
  Array.isArray(raw)
    ? raw.flat().filter((p): p is string => typeof p === 'string')
    : typeof raw === 'string'
      ? [raw]
      : [];

const join = (prefix: string, path: string) =>
  path === '/' ? prefix || '/' : `${prefix === '/' ? '' : prefix}${path}`;

function walk(stack: LayerLike[], prefix: string, out: Map<string, DeclaredRoute>) {
  for (const layer of stack) {
    if (layer.route) {
      for (const p of paths(layer.route.path))
        for (const [m, on] of Object.entries(layer.route.methods))
          if (on && m !== '_all') {
            const route = { method: m.toUpperCase(), path: join(prefix, p) };
            out.set(`${route.method} ${route.path}`, route);
          }
    } else if (layer.handle?.stack) {
      const mounts = paths(layer.rawPath);
      for (const p of mounts.length ? mounts : ['/']) walk(layer.handle.stack, join(prefix, p), out);
    }
  }
}

export function declaredRoutes(app: Express): DeclaredRoute[] {
  const out = new Map<string, DeclaredRoute>();
  walk((app as unknown as { router: { stack: LayerLike[] } }).router.stack, '', out);
  return [...out.values()];
}
