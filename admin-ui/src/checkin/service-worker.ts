// The check-in page's service worker (scope /checkin): keeps the page, the assets it links and the
// last answer of /api/me/today, so the page opens and can be filled with no network. Built by Vite
// as the self-contained /checkin-sw.js (no imports); types declared here because the app's
// tsconfig uses the DOM library, not the WebWorker one.
interface ExtendableEvent extends Event {
  waitUntil(p: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  readonly request: Request;
  respondWith(r: Response | Promise<Response>): void;
}
interface SwScope {
  addEventListener(type: 'install' | 'activate', fn: (e: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', fn: (e: FetchEvent) => void): void;
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void> };
  location: Location;
}

const sw = self as unknown as SwScope;
const SHELL = 'checkin-shell-v1';
const DATA = 'checkin-data-v1';
const PAGE = '/checkin';
/** API answers worth having offline: today's form and status, and the corp id for DingTalk. */
const OFFLINE_API = ['/api/me/today', '/api/public/config'];

/** The assets the page links (scripts, styles, preloads), read from its HTML. */
const assetsOf = (html: string) =>
  [...html.matchAll(/(?:src|href)="(\/admin\/assets\/[^"]+)"/g)].map((m) => m[1] as string);

/** Stores a fresh copy of the page with exactly the assets it links now (older builds' files go). */
async function keepShell(page: Response): Promise<void> {
  const html = await page.clone().text();
  const cache = await caches.open(SHELL);
  const wanted = new Set(assetsOf(html));
  const have = await cache.keys();
  const haveUrls = new Set(have.map((r) => new URL(r.url).pathname));
  await Promise.all([...wanted].filter((a) => !haveUrls.has(a)).map((a) => cache.add(a)));
  await cache.put(PAGE, page);
  await Promise.all(
    have
      .filter((r) => new URL(r.url).pathname !== PAGE && !wanted.has(new URL(r.url).pathname))
      .map((r) => cache.delete(r)),
  );
}

sw.addEventListener('install', (e) => {
  e.waitUntil(
    fetch(PAGE, { cache: 'no-store' })
      .then((page) => (page.ok ? keepShell(page) : undefined))
      .then(() => sw.skipWaiting()),
  );
});

sw.addEventListener('activate', (e) => e.waitUntil(sw.clients.claim()));

/** The network's answer (kept for later), or the kept one when the network fails. */
async function networkFirst(request: Request, cacheName: string, key: string): Promise<Response> {
  try {
    const res = await fetch(request);
    if (res.ok) {
      if (cacheName === SHELL) await keepShell(res.clone());
      else await (await caches.open(cacheName)).put(key, res.clone());
    }
    return res;
  } catch (err) {
    const kept = await caches.match(key, { cacheName });
    if (kept) return kept;
    throw err;
  }
}

async function cacheFirst(request: Request): Promise<Response> {
  const kept = await caches.match(request, { cacheName: SHELL });
  if (kept) return kept;
  const res = await fetch(request);
  if (res.ok) await (await caches.open(SHELL)).put(request, res.clone());
  return res;
}

sw.addEventListener('fetch', (e) => {
  const url = new URL(e.request.url);
  if (e.request.method !== 'GET' || url.origin !== sw.location.origin) return;
  if (e.request.mode === 'navigate' && url.pathname === PAGE) {
    e.respondWith(networkFirst(e.request, SHELL, PAGE));
  } else if (url.pathname.startsWith('/admin/assets/')) {
    e.respondWith(cacheFirst(e.request));
  } else if (OFFLINE_API.includes(url.pathname)) {
    e.respondWith(networkFirst(e.request, DATA, url.pathname));
  }
});
