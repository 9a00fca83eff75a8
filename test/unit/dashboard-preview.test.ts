// scripts/dashboard-preview.ts draws the Grafana dashboard's panels from Prometheus without Grafana
// (the screenshots in docs/images/): every panel type of the dashboard is one it draws, legends
// follow Grafana's legendFormat, values their unit.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { barGauge, dashboardHtml, formatValue, legend, lineChart } from '../../scripts/dashboard-preview.ts';

test('every panel of the Grafana dashboard is a kind the preview draws', () => {
  const dash = JSON.parse(
    readFileSync(new URL('../../docker/grafana/dashboards/health-checkin.json', import.meta.url), 'utf8'),
  ) as { panels: { type: string; title: string; targets?: { expr: string }[] }[] };
  for (const p of dash.panels) {
    assert.ok(['row', 'timeseries', 'bargauge'].includes(p.type), `${p.title}: ${p.type}`);
    if (p.type !== 'row') assert.ok(p.targets?.length, `${p.title} has a query`);
  }
});

test('legends and units as Grafana shows them', () => {
  assert.equal(
    legend('{{outcome}} {{reason}}', { outcome: 'refused', reason: 'already_submitted' }),
    'refused already_submitted',
  );
  assert.equal(legend('{{outcome}} {{reason}}', { outcome: 'accepted' }), 'accepted');
  assert.equal(legend(undefined, { __name__: 'up', job: 'api' }), 'up{job="api"}');
  assert.equal(formatValue(0.25, 's'), '250 ms');
  assert.equal(formatValue(12, 's'), '12 s');
  assert.equal(formatValue(0.125, 'percentunit'), '12.5%');
  assert.equal(formatValue(2500), '2.5k');
});

test('charts are SVG: a line per series (broken at gaps), a bar per series, "No data" when empty', () => {
  const svg = lineChart(
    [
      {
        name: 'a',
        points: [
          [0, 1],
          [10, 2],
          [20, NaN],
          [30, 3],
          [40, 4],
        ],
      },
      { name: 'b', points: [[0, 0]] },
    ],
    0,
    40,
    's',
  );
  assert.equal(svg.match(/<polyline/g)?.length, 2);
  assert.match(svg, /<circle/);
  assert.match(svg, />a <b>4 s<\/b>/);
  assert.match(lineChart([], 0, 40), /No data/);
  const bars = barGauge([
    { name: 'expected', points: [[0, 300]] },
    { name: 'submitted', points: [[0, 250]] },
  ]);
  assert.equal(bars.match(/<rect/g)?.length, 2);
  const html = dashboardHtml(
    [
      { title: 'Row <1>', panels: [] },
      { title: 'Row 2', panels: [] },
    ],
    0,
    60,
    1,
  );
  assert.match(html, /Row 2/);
  assert.doesNotMatch(html, /Row &#60;1/);
  assert.match(html, /not Grafana/);
});
