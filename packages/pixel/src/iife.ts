import { init, purchase, referral } from './core';
import { replayQueue } from './queue';

// Entry of dist/pixel.js: configure from our own tag, then serve queued and future calls.
// The collector defaults to the folder the script came from: .../t/pixel.js → .../t/beacon.
try {
  const script = document.currentScript as HTMLScriptElement;
  init({ ...script.dataset, collector: script.dataset.collector || new URL('.', script.src).href });
  replayQueue({ purchase, referral });
} catch {}
