// Taken when the script loads: a page that later swaps `JSON` or `Promise` for something
// broken (old polyfills, Prototype.js-era libraries) does not break the pixel.
export const { parse, stringify } = JSON;
export const P = Promise;
