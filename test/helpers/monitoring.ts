// The PromQL of docker/prometheus-alerts.yml and the Grafana dashboard, and the series names it
// reads: used to check them against the registry (unit) and the Temporal SDK's endpoint (integration).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

const root = resolve(import.meta.dirname, '../..');
const read = (p: string) => readFileSync(join(root, p), 'utf8');

export interface AlertRules {
  groups: {
    name: string;
    rules: { alert: string; expr: string; for?: string; labels?: Record<string, string> }[];
  }[];
}
export interface Dashboard {
  uid: string;
  title: string;
  panels: {
    type: string;
    title: string;
    datasource?: { type: string; uid: string };
    targets?: { expr: string; refId: string; datasource?: { uid: string } }[];
  }[];
}

export const alertRules = () => parse(read('docker/prometheus-alerts.yml')) as AlertRules;
export const dashboard = () => JSON.parse(read('docker/grafana/dashboards/health-checkin.json')) as Dashboard;

/** Every PromQL expression of the alerts and the dashboard, with where it is. */
export function monitoringExprs(): { where: string; expr: string }[] {
  return [
    ...alertRules().groups.flatMap((g) => g.rules.map((r) => ({ where: `alert ${r.alert}`, expr: r.expr }))),
    ...dashboard().panels.flatMap((p) =>
      (p.targets ?? []).map((t) => ({ where: `panel "${p.title}" ${t.refId}`, expr: t.expr })),
    ),
  ];
}

const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'inf',
  'nan',
]);

/**
 * The series names a PromQL expression reads: identifiers that are not functions, keywords, label
 * names (inside {…} or a by/on/without (…) list) or durations.
 */
export function seriesNamesIn(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    // numbers and durations (offset 5m, 1e3)
    .replace(/(?<![\w:])\d+(?:\.\d+)?(?:e[+-]?\d+|ms|[smhdwy])?(?![\w:])/gi, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const m of bare.matchAll(/([A-Za-z_:][\w:]*)(\s*\()?/g)) {
    const [, name, call] = m;
    if (!name || call || KEYWORDS.has(name.toLowerCase())) continue;
    names.add(name);
  }
  return [...names];
}
