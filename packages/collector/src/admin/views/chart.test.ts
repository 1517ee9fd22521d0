import { describe, expect, it } from 'vitest';
import type { DayStats } from '../../store/types.js';
import { NARROW, renderChartLegend, renderFunnelChart } from './chart.js';
import { countAxis, labelledDays, shortDay } from './chart-scale.js';

const day = (d: string, v: number, delivered = 0, pending = 0, dead = 0): DayStats => ({
  day: d,
  visits: v,
  purchases: delivered + pending + dead,
  delivered,
  pending,
  dead,
});

/** Every element carrying data-series, as { tag, day, series, value, y, height }. */
const marks = (svg: string) =>
  [...svg.matchAll(/<(rect|circle) class="(?:bar|point)"([^>]*)>/g)].map(([, tag, attrs]) => {
    const get = (name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(attrs ?? '')?.[1];
    return {
      tag,
      day: get('data-day'),
      series: get('data-series'),
      value: Number(get('data-value')),
      y: Number(get('y')),
      height: Number(get('height')),
    };
  });

describe('renderFunnelChart', () => {
  const days = [day('2025-02-27', 4, 1, 0, 1), day('2025-02-28', 0), day('2025-03-01', 8, 2, 1, 0)];
  const svg = renderFunnelChart(days).value;

  it('draws a visits point per day and a bar segment per non-zero outcome', () => {
    const drawn = marks(svg).map(({ tag, day, series, value }) => [tag, day, series, value]);
    expect(drawn).toEqual([
      ['circle', '2025-02-27', 'visits', 4],
      ['circle', '2025-02-28', 'visits', 0],
      ['circle', '2025-03-01', 'visits', 8],
      ['rect', '2025-02-27', 'delivered', 1],
      ['rect', '2025-02-27', 'dead', 1],
      ['rect', '2025-03-01', 'delivered', 2],
      ['rect', '2025-03-01', 'pending', 1],
    ]);
  });

  it('stacks segments on one baseline with heights proportional to their values', () => {
    const bars = marks(svg).filter((m) => m.tag === 'rect');
    const [a, b, c, d] = bars as [
      (typeof bars)[0],
      (typeof bars)[0],
      (typeof bars)[0],
      (typeof bars)[0],
    ];
    expect(c.height).toBeCloseTo(2 * a.height, 0);
    expect(b.y + b.height).toBeCloseTo(a.y, 1);
    expect(a.y + a.height).toBeCloseTo(c.y + c.height, 1);
    expect(d.y + d.height).toBeCloseTo(c.y, 1);
  });

  it('colours dead-lettered bars red and explains each mark in a tooltip', () => {
    expect(svg).toMatch(
      /data-series="dead"[^>]*fill="#d62828"><title>2025-02-27: 1 dead-lettered<\/title>/,
    );
    expect(svg).toContain('<title>2025-03-01: 8 visits</title>');
    expect(svg).toContain(
      '<title>2025-02-27: 4 visits, 2 purchases (1 relayed, 0 pending, 1 dead-lettered)</title>',
    );
  });

  it('is an image with a summary for screen readers, panel titles, ticks and day labels', () => {
    expect(svg).toMatch(
      /^<svg class="chart chart-wide" role="img" aria-label="Marketplace funnel per day, 2025-02-27 to 2025-03-01 \(UTC\): 12 visits, 5 purchases: 3 relayed, 1 pending, 1 dead-lettered\."/,
    );
    for (const title of ['Visits per day', 'Purchases per day, by relay outcome'])
      expect(svg).toContain(
        `<text class="panel-title" x="52" y="${title === 'Visits per day' ? 18 : 168}">${title}</text>`,
      );
    expect([...svg.matchAll(/class="day"[^>]*>([^<]*)</g)].map((m) => m[1])).toEqual([
      'Feb 27',
      'Feb 28',
      'Mar 1',
    ]);
    expect([...svg.matchAll(/class="tick"[^>]*>([^<]*)</g)].map((m) => m[1])).toEqual([
      '0',
      '2',
      '4',
      '6',
      '8',
      '0',
      '1',
      '2',
      '3',
    ]);
  });

  it('has its legend in HTML, where it wraps, with a swatch per series', () => {
    const legend = renderChartLegend().value;
    for (const [series, label] of [
      ['visits', 'Marketplace visits'],
      ['delivered', 'Relayed'],
      ['pending', 'Pending'],
      ['dead', 'Dead-lettered'],
    ])
      expect(legend).toContain(
        `<li data-series="${series}"><span class="swatch swatch-${series}" aria-hidden="true"></span>${label}</li>`,
      );
    expect(svg).not.toContain('legend');
  });

  it('draws a narrow version for phones: the same marks, fewer day labels', () => {
    const month = Array.from({ length: 30 }, (_, i) =>
      day(`2025-03-${String(i + 1).padStart(2, '0')}`, i % 3, i % 2),
    );
    const narrow = renderFunnelChart(month, NARROW).value;
    expect(narrow).toMatch(/^<svg class="chart chart-narrow" role="img"[^>]* viewBox="0 0 360 /);
    expect(marks(narrow)).toHaveLength(30 + 15);
    expect([...narrow.matchAll(/class="day"[^>]*>([^<]*)</g)].map((m) => m[1])).toEqual([
      'Mar 6',
      'Mar 14',
      'Mar 22',
      'Mar 30',
    ]);
  });

  it('draws axes and no marks but zero points for an empty window', () => {
    const empty = renderFunnelChart([day('2025-03-01', 0)]).value;
    expect(marks(empty).map((m) => m.series)).toEqual(['visits']);
    expect(empty).toContain('0 visits, 0 purchases');
  });
});

describe('chart scale', () => {
  it('picks round steps for whole counts', () => {
    expect(countAxis(0)).toEqual({ top: 1, ticks: [0, 1] });
    expect(countAxis(3)).toEqual({ top: 3, ticks: [0, 1, 2, 3] });
    expect(countAxis(7)).toEqual({ top: 8, ticks: [0, 2, 4, 6, 8] });
    expect(countAxis(10)).toEqual({ top: 10, ticks: [0, 5, 10] });
    expect(countAxis(1234)).toEqual({ top: 1500, ticks: [0, 500, 1000, 1500] });
  });

  it('labels the latest day and evenly spaced ones before it', () => {
    expect(labelledDays(3, 10)).toEqual([0, 1, 2]);
    expect(labelledDays(30, 14)).toEqual([2, 5, 8, 11, 14, 17, 20, 23, 26, 29]);
    expect(shortDay('2025-12-05')).toBe('Dec 5');
  });
});
