import type { PauseWindow } from '../store/outbox.js';
import type { Pause, RelayKinds } from './kind.js';

/**
 * The windows of the kinds' pauses around `now` (`RelayRules.pause`), for the claim, which
 * judges on the store's clock which are on. Worked out once a second at most: asking means
 * working out wall times in two zones (a tenth of what a claim allocated while the worker
 * drained a backlog, measured with a heap profile).
 */
export function pauseWindows(kinds: RelayKinds): (now: number) => PauseWindow[] {
  const pauses = pausesOf(kinds);
  let windowsSecond = Number.NaN;
  let windows: PauseWindow[] = [];
  return (now) => {
    const second = Math.floor(now / 1000);
    if (second !== windowsSecond) {
      windowsSecond = second;
      windows = pauses.flatMap(({ name, around }) =>
        around(now).map(({ start, end }) => ({ name, start, end })),
      );
    }
    return windows;
  };
}

// Each pause once, by name, among those the kinds wait out.
function pausesOf(kinds: RelayKinds): Pause[] {
  const byName = new Map<string, Pause>();
  for (const { delivery } of Object.values(kinds)) {
    if (delivery?.pause) byName.set(delivery.pause.name, delivery.pause);
  }
  return [...byName.values()];
}
