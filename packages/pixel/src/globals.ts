// Taken when the script loads: a page that later swaps `JSON` or `Date.now` for something
// broken (old polyfills, Prototype.js-era libraries) does not break the pixel. (`Promise`
// needs no copy: purchase() is async, and async functions use the engine's own.)
export const { parse, stringify } = JSON;
export const now = Date.now;
