import type { Pause, RelayKinds } from './kind.js';

/**
 * The names of the kinds' pauses on at `now` (`RelayRules.pause`), for the claim. Asked once
 * a second at most: the blackout starts and ends on whole minutes, and asking means working
 * out wall times in two zones (a tenth of what a claim allocated while the worker drained a
 * backlog, measured with a heap profile).
 */
export function pausedAt(kinds: RelayKinds): (now: number) => string[] {
  const pauses = pausesOf(kinds);
  let pausedSecond = Number.NaN;
  let paused: string[] = [];
  return (now) => {
    const second = Math.floor(now / 1000);
    if (second !== pausedSecond) {
      pausedSecond = second;
      paused = pauses.filter((pause) => pause.covers(now)).map((pause) => pause.name);
    }
    return paused;
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
