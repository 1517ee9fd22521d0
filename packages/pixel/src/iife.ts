import { configure } from './config';
import { purchase, referral, start } from './core';
import { DEBUG } from './debug';
import { setDebug } from './log';
import { replayQueue } from './queue';

// Entry of dist/pixel.js and dist/pixel.debug.js: configure from our own tag, then serve
// queued and future calls. Some loaders (tag managers, module tags) run the script without
// document.currentScript: then the tag is found by its data-provider-key attribute.
try {
  if (DEBUG) setDebug(true);
  const script = (document.currentScript ||
    document.querySelector('script[data-provider-key]')) as HTMLScriptElement;
  configure(script.dataset, script.src);
  start();
} catch {}
// Installed even when the tag could not be read: purchase() then answers 'off'.
try {
  replayQueue({ purchase, referral });
} catch {}
