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

const W = 960;
const LEFT = 52;
const RIGHT = 16;
const PLOT_W = W - LEFT - RIGHT;
// Two panels share the day axis: visits above, purchases by outcome below. Purchases are
// usually a small fraction of visits, so one shared scale would flatten the bars.
const VISITS = { top: 44, height: 110 };
const BARS = { top: 190, height: 150 };
const H = BARS.top + BARS.height + 30;

const r1 = (n: number) => Math.round(n * 10) / 10;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function gridAndTicks(panel: { top: number; height: number }, ticks: number[], top: number) {
  return ticks.map((tick) => {
    const y = r1(panel.top + panel.height - (tick / top) * panel.height);
    return html`<line class="grid${tick === 0 ? ' baseline' : ''}" x1="${LEFT}" x2="${W - RIGHT}" y1="${y}" y2="${y}"/><text class="tick" x="${LEFT - 8}" y="${y + 4}" text-anchor="end">${tick}</text>`;
  });
}

function legend(): SafeHtml {
  let next = LEFT;
  const items = (['visits', ...OUTCOMES] as const).map((key) => {
    const x = next;
    // Text is not measured in an SVG string: ~7.5 px per character of 13 px type.
    next += 26 + SERIES[key].label.length * 7.5 + 24;
    const swatch =
      key === 'visits'
        ? html`<line x1="${x}" x2="${x + 18}" y1="10" y2="10" stroke="${SERIES.visits.color}" stroke-width="3"/>`
        : html`<rect x="${x + 3}" y="4" width="12" height="12" rx="2" fill="${SERIES[key].color}"/>`;
    return html`<g class="legend-item" data-series="${key}">${swatch}<text x="${x + 26}" y="14">${SERIES[key].label}</text></g>`;
  });
  return html`<g class="legend">${items}</g>`;
}

const dayTitle = (d: DayStats) =>
  `${d.day}: ${plural(d.visits, 'visit')}, ${plural(d.purchases, 'purchase')} ` +
  `(${d.delivered} relayed, ${d.pending} pending, ${d.dead} dead-lettered)`;

/**
 * The per-day funnel as an inline SVG: visits as an area with a point per day, purchases
 * as bars stacked by relay outcome. Every drawn point and bar segment carries
 * `data-day`, `data-series` and `data-value` and a `<title>` tooltip.
 */
export function renderFunnelChart(days: readonly DayStats[]): SafeHtml {
  const n = Math.max(days.length, 1);
  const band = PLOT_W / n;
  const barW = r1(Math.min(28, Math.max(1, band * 0.7)));
  const cx = (i: number) => r1(LEFT + band * (i + 0.5));

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
      html`<circle class="point" data-day="${d.day}" data-series="visits" data-value="${d.visits}" cx="${cx(i)}" cy="${vy(d.visits)}" r="${n > 45 ? 2 : 3.5}" fill="${SERIES.visits.color}"><title>${d.day}: ${plural(d.visits, 'visit')}</title></circle>`,
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

  return html`<svg class="chart" role="img" aria-label="${label}" viewBox="0 0 ${W} ${H}" preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">
${legend()}
<text class="panel-title" x="${LEFT}" y="${VISITS.top - 10}">Visits per day</text>
<text class="panel-title" x="${LEFT}" y="${BARS.top - 10}">Purchases per day, by relay outcome</text>
${gridAndTicks(VISITS, visitAxis.ticks, visitAxis.top)}
${gridAndTicks(BARS, barAxis.ticks, barAxis.top)}
<g class="hits">${hits}</g>
<g class="visits">${area}${dots}</g>
<g class="bars">${bars}</g>
<g class="days">${labels}</g>
</svg>`;
}
