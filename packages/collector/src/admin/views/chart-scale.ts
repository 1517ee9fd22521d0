const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * An axis for whole counts from 0: a round step (1, 2 or 5 times a power of ten, never
 * below 1) giving at most `maxTicks` intervals, and the top tick at or above `max`.
 */
export function countAxis(max: number, maxTicks = 4): { top: number; ticks: number[] } {
  const raw = Math.max(max, 1) / maxTicks;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = Math.max(1, [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw);
  const top = Math.max(step, Math.ceil(max / step) * step);
  const ticks: number[] = [];
  for (let tick = 0; tick <= top; tick += step) ticks.push(tick);
  return { top, ticks };
}

/**
 * Indexes of the days to label on an axis of `count` days with room for `room` labels;
 * the latest day is always labelled and the rest at an even stride back from it.
 */
export function labelledDays(count: number, room: number): number[] {
  const stride = Math.max(1, Math.ceil(count / Math.max(1, room)));
  const picked: number[] = [];
  for (let i = count - 1; i >= 0; i -= stride) picked.unshift(i);
  return picked;
}

/** `2025-03-07` → `Mar 7`. */
export function shortDay(day: string): string {
  const [, month, date] = /^\d{4}-(\d{2})-(\d{2})$/.exec(day) ?? [];
  return month && date ? `${MONTHS[Number(month) - 1] ?? month} ${Number(date)}` : day;
}
