/**
 * A clock the test sets, which runs on from there (retry delays need time to pass): `set`
 * moves it to an ISO-8601 instant.
 */
export function manualClock(start: string) {
  let offset = Date.parse(start) - Date.now();
  return {
    now: () => Date.now() + offset,
    set: (text: string) => {
      offset = Date.parse(text) - Date.now();
    },
  };
}
