// The Grafana dashboard (docker/grafana/dashboards/health-checkin.json) without Grafana: each
// panel's PromQL asked of a real Prometheus (HTTP API `query_range`), drawn as plain SVG line or
// bar charts into one static HTML page, and optionally screenshotted with Debian's chromium.
// Grafana itself is not used here (AGPL); the screenshots in docs/ come from this script.
//
//   tsx scripts/dashboard-preview.ts day [--scale 120] [--minutes 6]
//       drives a compressed day on a running `npm start` (same environment): starts the fan-out,
//       then the employees check in spread over the window: some late, some never (the ladder
//       reminds them), a few with a fever (reviews), a few sending twice (replays, refusals)
//   tsx scripts/dashboard-preview.ts render --prometheus http://127.0.0.1:9090 [--minutes 10]
//       [--end 2026-12-01T11:15:00Z] [--out /tmp/dashboard.html] [--png docs/images/dashboard-preview]
//       renders `minutes` up to `end` (default: now) of every panel; --png writes one PNG per
//       dashboard row (<png>-1.png …)
//
// docs/operations.md ("Preview without Grafana") has the whole procedure with a throwaway Prometheus.
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const DASHBOARD = join(root, 'docker/grafana/dashboards/health-checkin.json');

interface Target {
  expr: string;
  legendFormat?: string;
}
interface Panel {
  type: string;
  title: string;
  description?: string;
  gridPos: { h: number; w: number; x: number; y: number };
  targets?: Target[];
  fieldConfig?: { defaults?: { unit?: string } };
}
export interface Series {
  name: string;
  points: [number, number][];
}

/** `{{label}}` placeholders filled from the series' labels (Grafana's legendFormat). */
export function legend(format: string | undefined, labels: Record<string, string>): string {
  if (!format) {
    const inner = Object.entries(labels)
      .filter(([k]) => k !== '__name__')
      .map(([k, v]) => `${k}="${v}"`)
      .join(', ');
    return labels.__name__ ? `${labels.__name__}{${inner}}` : `{${inner}}`;
  }
  return format.replace(/\{\{\s*(\w+)\s*\}\}/g, (_m, k: string) => labels[k] ?? '').trim() || format;
}

/** A value as Grafana's unit would show it, short. */
export function formatValue(v: number, unit = 'short'): string {
  const num = (x: number) =>
    Math.abs(x) >= 1e6
      ? `${+(x / 1e6).toFixed(1)}M`
      : Math.abs(x) >= 1e3
        ? `${+(x / 1e3).toFixed(1)}k`
        : `${+x.toFixed(Math.abs(x) < 10 ? 2 : 1)}`;
  switch (unit) {
    case 's':
      return v !== 0 && Math.abs(v) < 1 ? `${+(v * 1000).toFixed(0)} ms` : `${num(v)} s`;
    case 'percentunit':
      return `${+(v * 100).toFixed(1)}%`;
    case 'reqps':
      return `${num(v)} req/s`;
    default:
      return num(v);
  }
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
const COLORS = [
  '#73bf69',
  '#f2cc0c',
  '#5794f2',
  '#ff780a',
  '#f2495c',
  '#b877d9',
  '#8ab8ff',
  '#96d98d',
  '#fade2a',
];
const hhmm = (t: number) => new Date(t * 1000).toISOString().slice(11, 16);

/** A time series panel as an SVG line chart with a legend (UTC times on the x axis). */
export function lineChart(series: Series[], from: number, to: number, unit?: string, width = 560): string {
  const height = 190;
  const left = 64;
  const bottom = 22;
  const plotW = width - left - 10;
  const plotH = height - bottom - 8;
  const values = series.flatMap((s) => s.points.map(([, v]) => v)).filter(Number.isFinite);
  const max = Math.max(...values, 0);
  const min = Math.min(...values, 0);
  const span = max - min || 1;
  const x = (t: number) => left + ((t - from) / (to - from || 1)) * plotW;
  const y = (v: number) => 8 + plotH - ((v - min) / span) * plotH;
  const grid: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const v = min + (span * i) / 4;
    grid.push(
      `<line x1="${left}" x2="${left + plotW}" y1="${y(v)}" y2="${y(v)}" stroke="#2c3235"/>`,
      `<text x="${left - 6}" y="${y(v) + 4}" text-anchor="end">${esc(formatValue(v, unit))}</text>`,
    );
  }
  for (let i = 0; i <= 4; i++) {
    const t = from + ((to - from) * i) / 4;
    const anchor = i === 0 ? 'start' : i === 4 ? 'end' : 'middle';
    grid.push(`<text x="${x(t)}" y="${height - 6}" text-anchor="${anchor}">${hhmm(t)}</text>`);
  }
  const lines = series.map((s, i) => {
    // a gap in the data (NaN) breaks the line
    const runs: string[][] = [[]];
    for (const [t, v] of s.points) {
      if (Number.isFinite(v)) runs[runs.length - 1]?.push(`${x(t).toFixed(1)},${y(v).toFixed(1)}`);
      else runs.push([]);
    }
    const color = COLORS[i % COLORS.length] as string;
    return runs
      .filter((r) => r.length)
      .map((r) =>
        r.length === 1
          ? `<circle cx="${r[0]?.split(',')[0]}" cy="${r[0]?.split(',')[1]}" r="2" fill="${color}"/>`
          : `<polyline fill="none" stroke="${color}" stroke-width="1.6" points="${r.join(' ')}"/>`,
      )
      .join('');
  });
  const svg =
    `<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">${grid.join('')}${lines.join('')}` +
    (series.length
      ? ''
      : `<text x="${width / 2}" y="${height / 2}" text-anchor="middle" class="none">No data</text>`) +
    `</svg>`;
  const legendHtml = series
    .map((s, i) => {
      const last = [...s.points].reverse().find(([, v]) => Number.isFinite(v));
      return `<span><i style="background:${COLORS[i % COLORS.length]}"></i>${esc(s.name)}${
        last ? ` <b>${esc(formatValue(last[1], unit))}</b>` : ''
      }</span>`;
    })
    .join('');
  return `${svg}<div class="legend">${legendHtml}</div>`;
}

/** A bar gauge panel: each series' last value as a horizontal bar. */
export function barGauge(series: Series[], unit?: string, width = 560): string {
  const rows = series
    .map((s) => ({ name: s.name, v: [...s.points].reverse().find(([, v]) => Number.isFinite(v))?.[1] ?? 0 }))
    .sort((a, b) => b.v - a.v);
  if (!rows.length)
    return `<svg width="${width}" height="60"><text x="20" y="30" class="none">No data</text></svg>`;
  const max = Math.max(...rows.map((r) => r.v), 1);
  const rowH = 30;
  const labelW = 110;
  const height = rows.length * rowH + 6;
  const bars = rows.map((r, i) => {
    const w = ((width - labelW - 70) * r.v) / max;
    const y = 4 + i * rowH;
    return (
      `<text x="${labelW - 8}" y="${y + 18}" text-anchor="end">${esc(r.name)}</text>` +
      `<rect x="${labelW}" y="${y + 3}" width="${Math.max(w, 1)}" height="${rowH - 8}" rx="2" fill="${COLORS[i % COLORS.length]}"/>` +
      `<text x="${labelW + Math.max(w, 1) + 6}" y="${y + 18}">${esc(formatValue(r.v, unit))}</text>`
    );
  });
  return `<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">${bars.join('')}</svg>`;
}

async function queryRange(prometheus: string, expr: string, from: number, to: number, step: number) {
  const u = new URL('/api/v1/query_range', prometheus);
  u.search = new URLSearchParams({
    query: expr,
    start: String(from),
    end: String(to),
    step: String(step),
  }).toString();
  const res = await fetch(u);
  const body = (await res.json()) as {
    status: string;
    error?: string;
    data?: { result: { metric: Record<string, string>; values: [number, string][] }[] };
  };
  if (body.status !== 'success') throw new Error(`${expr}: ${body.error ?? res.status}`);
  return body.data?.result ?? [];
}

interface Section {
  title: string;
  panels: { panel: Panel; html: string }[];
}

/** Every panel of the dashboard, queried over [from, to] and drawn; grouped by the dashboard's rows. */
export async function renderDashboard(prometheus: string, from: number, to: number): Promise<Section[]> {
  const dash = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { title: string; panels: Panel[] };
  const step = Math.max(1, Math.round((to - from) / 240));
  const sections: Section[] = [];
  for (const panel of [...dash.panels].sort(
    (a, b) => a.gridPos.y - b.gridPos.y || a.gridPos.x - b.gridPos.x,
  )) {
    if (panel.type === 'row') {
      sections.push({ title: panel.title, panels: [] });
      continue;
    }
    if (!sections.length) sections.push({ title: dash.title, panels: [] });
    const series: Series[] = [];
    for (const t of panel.targets ?? []) {
      for (const r of await queryRange(prometheus, t.expr, from, to, step)) {
        series.push({
          name: legend(t.legendFormat, r.metric),
          points: r.values.map(([ts, v]) => [ts, Number(v)]),
        });
      }
    }
    const unit = panel.fieldConfig?.defaults?.unit;
    const width = panel.gridPos.w >= 24 ? 1140 : panel.gridPos.w * 46;
    const html =
      panel.type === 'bargauge' ? barGauge(series, unit, width) : lineChart(series, from, to, unit, width);
    sections.at(-1)?.panels.push({ panel, html });
  }
  return sections;
}

export function dashboardHtml(sections: Section[], from: number, to: number, only?: number): string {
  const shown = only === undefined ? sections : sections.slice(only, only + 1);
  const body = shown
    .map(
      (s) =>
        `<h2>${esc(s.title)}</h2><div class="grid">${s.panels
          .map(
            ({ panel, html }) =>
              `<section style="grid-column: span ${panel.gridPos.w}"><h3>${esc(panel.title)}</h3>${html}</section>`,
          )
          .join('')}</div>`,
    )
    .join('');
  return `<!doctype html><html lang="en"><meta charset="utf-8"><title>health-checkin dashboard preview</title>
<style>
body{margin:0;padding:14px 18px;background:#111217;color:#ccccdc;font:12px/1.4 "Noto Sans CJK SC","DejaVu Sans",sans-serif;width:1180px}
h1{font-size:15px;margin:0 0 2px}h2{font-size:13px;margin:14px 0 6px;color:#fff}
h3{font-size:12px;margin:0 0 4px;color:#d8d9da;font-weight:600}
.note{color:#8e8e9e;margin:0 0 6px}
.grid{display:grid;grid-template-columns:repeat(24,1fr);gap:8px}
section{background:#181b1f;border:1px solid #2c3235;border-radius:3px;padding:8px;overflow:hidden}
svg text{fill:#9fa1b3;font-size:10px}svg text.none{font-size:13px}
.legend{display:flex;flex-wrap:wrap;gap:2px 12px;margin-top:4px;font-size:11px}
.legend i{display:inline-block;width:10px;height:3px;margin-right:4px;vertical-align:middle}
</style>
<h1>health-checkin: the morning at a glance</h1>
<p class="note">The panels of docker/grafana/dashboards/health-checkin.json, each panel's PromQL asked of a real
Prometheus (query_range ${new Date(from * 1000).toISOString().slice(0, 16)}–${new Date(to * 1000)
    .toISOString()
    .slice(11, 16)} UTC) and drawn by scripts/dashboard-preview.ts — not Grafana.</p>
${body}</html>`;
}

async function screenshot(html: string, file: string): Promise<void> {
  const { launchChromium } = await import('./chromium.ts');
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1216, height: 600 }, deviceScaleFactor: 1 });
    await page.setContent(html);
    await page.screenshot({ path: file, fullPage: true });
  } finally {
    await browser.close();
  }
}

/** Drives a compressed day on the running system whose environment this process shares. */
async function driveDay(scale: number, minutes: number) {
  const { loadConfig } = await import('../config/config.ts');
  const { createDb } = await import('../db/connect.ts');
  const { signEmployeeToken } = await import('../api/auth/employee-token.ts');
  const config = loadConfig();
  const api = `http://127.0.0.1:${config.api.port}`;
  const db = createDb(config.databaseUrl, 2);
  const employees = await db.selectFrom('employees').select('id').where('active', '=', true).execute();
  await db.destroy();
  const fanout = await fetch(`${api}/api/admin/fanout`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-admin-token': config.api.adminToken ?? '' },
    body: JSON.stringify({ timeScale: scale }),
  });
  console.log(`fan-out: ${fanout.status} ${await fanout.text()}`);
  await new Promise((r) => setTimeout(r, 10_000)); // the day rows exist before anyone submits
  const submit = async (id: number, key: string, answers: Record<string, unknown>) => {
    const res = await fetch(`${api}/api/me/checkins`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${signEmployeeToken(config.api.sessionSecret, id)}`,
      },
      body: JSON.stringify({ idempotencyKey: key, answers }),
    });
    await res.text();
    return res.status;
  };
  const windowMs = minutes * 60_000;
  const started = Date.now();
  const statuses: Record<string, number> = {};
  const plan = employees
    .map(({ id }) => ({ id, r: Math.random(), at: Math.random() ** 1.6 * windowMs }))
    .filter((p) => p.r > 0.12); // 12% never check in: the ladder reminds them at every level
  plan.sort((a, b) => a.at - b.at);
  await Promise.all(
    plan.map(async (p) => {
      await new Promise((r) => setTimeout(r, p.at));
      const fever = p.r > 0.96;
      const answers = {
        temperature: fever ? 38.2 : 36.4 + Math.round(Math.random() * 6) / 10,
        healthCode: p.r > 0.94 && !fever ? 'yellow' : 'green',
        hasSymptoms: fever,
        ...(fever ? { symptoms: ['fever', 'cough'] } : {}),
      };
      const key = randomUUID();
      const s = await submit(p.id, key, p.r < 0.15 ? { temperature: 'warm' } : answers);
      statuses[s] = (statuses[s] ?? 0) + 1;
      if (p.r < 0.15) {
        // the invalid answer was refused: corrected and sent again
        const fixed = await submit(p.id, randomUUID(), answers);
        statuses[fixed] = (statuses[fixed] ?? 0) + 1;
      }
      if (p.r > 0.9) {
        // a resend of the same key (replay) and a second key the same day (already submitted)
        const again = await submit(p.id, key, answers);
        const second = await submit(p.id, randomUUID(), answers);
        statuses[again] = (statuses[again] ?? 0) + 1;
        statuses[second] = (statuses[second] ?? 0) + 1;
      }
    }),
  );
  console.log(
    `${plan.length} of ${employees.length} checked in over ${((Date.now() - started) / 60000).toFixed(1)} min`,
    statuses,
  );
}

const main = async () => {
  const [command] = process.argv.slice(2);
  const { values } = parseArgs({
    args: process.argv.slice(3),
    options: {
      prometheus: { type: 'string', default: 'http://127.0.0.1:9090' },
      minutes: { type: 'string' },
      scale: { type: 'string', default: '120' },
      out: { type: 'string', default: join(root, 'docs/images/dashboard-preview.html') },
      png: { type: 'string' },
      end: { type: 'string' },
    },
  });
  if (command === 'day') return driveDay(Number(values.scale), Number(values.minutes ?? 6));
  if (command !== 'render')
    throw new Error('usage: dashboard-preview.ts day|render [options] (see the header)');
  const to = values.end ? Date.parse(values.end) / 1000 : Math.floor(Date.now() / 1000);
  const from = to - Number(values.minutes ?? 10) * 60;
  const sections = await renderDashboard(values.prometheus, from, to);
  mkdirSync(dirname(values.out), { recursive: true });
  writeFileSync(values.out, dashboardHtml(sections, from, to));
  console.log(`wrote ${values.out}`);
  if (values.png) {
    mkdirSync(dirname(values.png), { recursive: true });
    for (const [i, s] of sections.entries()) {
      const file = `${values.png}-${i + 1}.png`;
      await screenshot(dashboardHtml(sections, from, to, i), file);
      console.log(`wrote ${file} (${s.title})`);
    }
  }
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
