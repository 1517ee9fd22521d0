let enabled = false;

/** Turns console output on or off; the script is silent unless `data-debug` is set. */
export const setDebug = (on: boolean): void => {
  enabled = on;
};

/** Logs with a fixed prefix when debugging. Callers are inside try blocks: a page may break `console`. */
export const log = (...args: unknown[]): void => {
  if (enabled) console.log('[clm-pixel]', ...args);
};
