// Where a process's CPU went, from a V8 `.cpuprofile` (node --cpu-prof): self time grouped by what
// owns the code (an npm package, a folder of this project, node's own modules, GC), as shares of
// the profile's busy time. `npx tsx bench/cpu-profile.ts <file.cpuprofile> [--per N]` prints it;
// --per N also gives the busy CPU ms per unit of work (e.g. per request) when N units were served.
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const root = resolve(import.meta.dirname, '..');

/** The owner of a frame: `pkg:<npm package>`, `app:<top folder>`, `node:<module>`, or a V8 pseudo-frame. */
export function ownerOf(url: string, functionName: string): string {
  if (!url) {
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(program)') return 'V8/native (program)';
    return `native ${functionName || '(anonymous)'}`;
  }
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return `pkg:${pkg[1]}`;
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const path = url.startsWith('file://') ? decodeURIComponent(url.slice(7)) : url;
  const rel = relative(root, path);
  if (!rel.startsWith('..')) return `app:${rel.split('/')[0]}`;
  return 'other';
}

/**
 * Groups the profile's self time by owner, and by the package or project folder it ran on behalf
 * of (node's own modules and native frames such as a socket `writev` are charged to the nearest
 * caller that is a package or project code); busy = everything but idle.
 */
export function summariseProfile(profile: CpuProfile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const owners = new Map<string, number>();
  const behalf = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, us: number) => m.set(k, (m.get(k) ?? 0) + us);
  const onBehalfOf = (id: number, own: string): string => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const n = byId.get(at);
      const o = n ? ownerOf(n.callFrame.url, n.callFrame.functionName) : '';
      if (o.startsWith('pkg:') || o.startsWith('app:')) return o;
    }
    return own;
  };
  let totalUs = 0;
  let idleUs = 0;
  for (const [id, us] of selfUs) {
    const n = byId.get(id);
    if (!n) continue;
    const owner = ownerOf(n.callFrame.url, n.callFrame.functionName);
    totalUs += us;
    if (owner === 'idle') {
      idleUs += us;
      continue;
    }
    add(owners, owner, us);
    add(behalf, owner === 'GC' ? owner : onBehalfOf(id, owner), us);
  }
  const busyUs = totalUs - idleUs;
  const rowsOf = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .map(([owner, us]) => ({ owner, ms: us / 1000, share: busyUs ? us / busyUs : 0 }));
  return {
    wallMs: totalUs / 1000,
    busyMs: busyUs / 1000,
    idleShare: totalUs ? idleUs / totalUs : 0,
    rows: rowsOf(owners),
    onBehalf: rowsOf(behalf),
  };
}

/** One line per owner above `min` of busy time, e.g. "pkg:pg 18.2 %". */
export function formatSummary(
  s: ReturnType<typeof summariseProfile>,
  opts: { per?: number; min?: number } = {},
) {
  const min = opts.min ?? 0.01;
  const head =
    `profile: ${(s.wallMs / 1000).toFixed(1)} s, busy ${(s.busyMs / 1000).toFixed(1)} s (idle ${(s.idleShare * 100).toFixed(0)} %)` +
    (opts.per ? `, ${(s.busyMs / opts.per).toFixed(2)} ms busy per unit (${opts.per} units)` : '');
  const list = (rows: typeof s.rows) => {
    const rest = rows.filter((r) => r.share < min).reduce((a, r) => a + r.share, 0);
    return [
      ...rows.filter((r) => r.share >= min).map((r) => `  ${r.owner} ${(r.share * 100).toFixed(1)} %`),
      ...(rest > 0 ? [`  (others below ${(min * 100).toFixed(0)} % each) ${(rest * 100).toFixed(1)} %`] : []),
    ];
  };
  return [
    head,
    'on behalf of (node internals and native calls charged to their caller):',
    ...list(s.onBehalf),
    'self time:',
    ...list(s.rows),
  ].join('\n');
}

export function readProfile(file: string): CpuProfile {
  return JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const [file, ...rest] = process.argv.slice(2);
  if (!file) {
    console.error('usage: tsx bench/cpu-profile.ts <file.cpuprofile> [--per N]');
    process.exit(2);
  }
  const i = rest.indexOf('--per');
  const per = i >= 0 ? Number(rest[i + 1]) : undefined;
  console.log(formatSummary(summariseProfile(readProfile(file)), { per }));
}
