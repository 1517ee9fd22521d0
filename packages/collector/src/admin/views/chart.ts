import type { DayStats } from '../../store/types.js';
import { countAxis, labelledDays, shortDay } from './chart-scale.js';
import { html, type SafeHtml } from './html.js';

/** Fill of each series; shared with the legend and the summary cards' accents. */
export const SERIES = {
  visits: { label: 'Marketplace visits', color: '#1c6ed6' },
  delivered: { label: 'Relayed', color: '#2b8a3e' },
  pending: { label: 'Pending', color: '#e8a317' },
  dead: { label: 'Dead-lettered', color: '#d62828' },
} as const;

const OUTCOMES = ['delivered', 'pending', 'dead'] as const;

/** The drawing's size and margins, in SVG units; text is 12–13 units either way. */
export interface ChartSize {
  name: 'wide' | 'narrow';
  width: number;
  left: number;
  right: number;
  visits: { top: number; height: number };
  bars: { top: number; height: number };
}

// Two panels share the day axis: visits above, purchases by outcome below. Purchases are
// usually a small fraction of visits, so one shared scale would flatten the bars. The
// dashboard draws the chart twice and shows one: scaled down to a phone, the wide drawing's
// text would be a few pixels high.
export const WIDE: ChartSize = {
  name: 'wide',
  width: 960,
  left: 52,
  right: 16,
  visits: { top: 30, height: 110 },
  bars: { top: 180, height: 150 },
};
export const NARROW: ChartSize = {
  name: 'narrow',
  width: 360,
  left: 34,
  right: 20,
  visits: { top: 30, height: 90 },
  bars: { top: 160, height: 110 },
};

const r1 = (n: number) => Math.round(n * 10) / 10;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function gridAndTicks(
  size: ChartSize,
  panel: { top: number; height: number },
  ticks: number[],
  top: number,
) {
  return ticks.map((tick) => {
    const y = r1(panel.top + panel.height - (tick / top) * panel.height);
    return html`<line class="grid${tick === 0 ? ' baseline' : ''}" x1="${size.left}" x2="${size.width - size.right}" y1="${y}" y2="${y}"/><text class="tick" x="${size.left - 6}" y="${y + 4}" text-anchor="end">${tick}</text>`;
  });
}

/** The chart's legend, in HTML so that it wraps on a narrow screen; one for both drawings. */
export function renderChartLegend(): SafeHtml {
  const items = (['visits', ...OUTCOMES] as const).map(
    (key) =>
      html`<li data-series="${key}"><span class="swatch swatch-${key}" aria-hidden="true"></span>${SERIES[key].label}</li>`,
  );
  return html`<ul class="chart-legend" aria-label="Legend">${items}</ul>`;
}

const dayTitle = (d: DayStats) =>
  `${d.day}: ${plural(d.visits, 'visit')}, ${plural(d.purchases, 'purchase')} ` +
  `(${d.delivered} relayed, ${d.pending} pending, ${d.dead} dead-lettered)`;

/**
 * The per-day funnel as an inline SVG: visits as an area with a point per day, purchases
 * as bars stacked by relay outcome. Every drawn point and bar segment carries
 * `data-day`, `data-series` and `data-value` and a `<title>` tooltip.
 */
export function renderFunnelChart(days: readonly DayStats[], size: ChartSize = WIDE): SafeHtml {
  const { width: W, left: LEFT, visits: VISITS, bars: BARS } = size;
  const PLOT_W = W - LEFT - size.right;
  const H = BARS.top + BARS.height + 30;
  const n = Math.max(days.length, 1);
  const band = PLOT_W / n;
  const barW = r1(Math.min(28, Math.max(1, band * 0.7)));
  const cx = (i: number) => r1(LEFT + band * (i + 0.5));
  const radius = band > 12 ? 3.5 : band > 6 ? 2 : 1.2;

  const visitAxis = countAxis(Math.max(0, ...days.map((d) => d.visits)));
  const barAxis = countAxis(Math.max(0, ...days.map((d) => d.purchases)));
  const vy = (v: number) => r1(VISITS.top + VISITS.height - (v / visitAxis.top) * VISITS.height);
  const by = (v: number) => (v / barAxis.top) * BARS.height;

  const points = days.map((d, i) => `${cx(i)},${vy(d.visits)}`);
  const baseline = VISITS.top + VISITS.height;
  const area =
    days.length > 0
      ? html`<polygon class="visits-area" fill="${SERIES.visits.color}" fill-opacity="0.12" points="${cx(0)},${baseline} ${points.join(' ')} ${cx(days.length - 1)},${baseline}"/><polyline class="visits-line" fill="none" stroke="${SERIES.visits.color}" stroke-width="2" stroke-linejoin="round" points="${points.join(' ')}"/>`
      : '';
  const dots = days.map(
    (d, i) =>
      html`<circle class="point" data-day="${d.day}" data-series="visits" data-value="${d.visits}" cx="${cx(i)}" cy="${vy(d.visits)}" r="${radius}" fill="${SERIES.visits.color}"><title>${d.day}: ${plural(d.visits, 'visit')}</title></circle>`,
  );

  const bars = days.map((d, i) => {
    let bottom = BARS.top + BARS.height;
    const segments = OUTCOMES.filter((key) => d[key] > 0).map((key) => {
      const height = by(d[key]);
      bottom -= height;
      return html`<rect class="bar" data-day="${d.day}" data-series="${key}" data-value="${d[key]}" x="${r1(cx(i) - barW / 2)}" y="${r1(bottom)}" width="${barW}" height="${r1(height)}" fill="${SERIES[key].color}"><title>${d.day}: ${d[key]} ${SERIES[key].label.toLowerCase()}</title></rect>`;
    });
    return segments;
  });

  // Transparent columns under the marks, so hovering anywhere on a day explains it.
  const hits = days.map(
    (d, i) =>
      html`<rect class="hit" x="${r1(LEFT + band * i)}" y="${VISITS.top}" width="${r1(band)}" height="${BARS.top + BARS.height - VISITS.top}" fill="transparent"><title>${dayTitle(d)}</title></rect>`,
  );
  const labels = labelledDays(days.length, Math.floor(PLOT_W / 64)).map((i) => {
    const d = days[i] as DayStats;
    return html`<text class="day" x="${cx(i)}" y="${BARS.top + BARS.height + 20}" text-anchor="middle">${shortDay(d.day)}</text>`;
  });

  const first = days[0]?.day ?? '';
  const last = days[days.length - 1]?.day ?? '';
  const sum = (key: keyof Omit<DayStats, 'day'>) => days.reduce((t, d) => t + d[key], 0);
  const label =
    `Marketplace funnel per day, ${first} to ${last} (UTC): ${plural(sum('visits'), 'visit')}, ` +
    `${plural(sum('purchases'), 'purchase')}: ${sum('delivered')} relayed, ` +
    `${sum('pending')} pending, ${sum('dead')} dead-lettered.`;

  return html`<svg class="chart chart-${size.name}" role="img" aria-label="${label}" viewBox="0 0 ${W} ${H}" preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">
<text class="panel-title" x="${LEFT}" y="${VISITS.top - 12}">Visits per day</text>
<text class="panel-title" x="${LEFT}" y="${BARS.top - 12}">Purchases per day, by relay outcome</text>
${gridAndTicks(size, VISITS, visitAxis.ticks, visitAxis.top)}
${gridAndTicks(size, BARS, barAxis.ticks, barAxis.top)}
<g class="hits">${hits}</g>
<g class="visits">${area}${dots}</g>
<g class="bars">${bars}</g>
<g class="days">${labels}</g>
</svg>`;
}
