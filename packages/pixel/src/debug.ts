// Whether console messages are compiled in. The rollup config replaces this module with
// `false` for dist/pixel.js, so the minifier drops every message and the code around it;
// dist/pixel.debug.js, the ESM build and the tests keep them.
export const DEBUG: boolean = true;
