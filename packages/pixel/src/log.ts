import { DEBUG } from './debug';
import type { SkipReason } from './types';

let enabled = false;

/** Turns console messages on or off (builds with messages only; see debug.ts). */
export const setDebug = (on: boolean): void => {
  enabled = on;
};

/** Logs with a fixed prefix when messages are on; never throws (a page may break `console`). */
export const log = (...args: unknown[]): void => {
  if (DEBUG && enabled) {
    try {
      console.log('[clm-pixel]', ...args);
    } catch {}
  }
};

/** What each reason means, for the messages of the debug build. */
export const WHY: Record<SkipReason, string> = {
  off: 'the pixel is off (see the first message)',
  'invalid-id':
    'the customer id is not a string or number, is empty once cleaned, or is over 256 characters',
  'no-referral':
    'no marketplace referral in this browser within the window (data-require-referral="false" sends anyway)',
  'already-sent': 'this browser already reported this customer within the window',
  error: 'the browser accepted no transport, or the page broke something the script relies on',
};
