// The published collector has to serve the pixel without @clm/pixel, which is not
// published: the build copies both built scripts (silent and debug) into dist/pixel/,
// where tracking/pixel-route.ts looks first.
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

mkdirSync(fileURLToPath(new URL('../dist/pixel/', import.meta.url)), { recursive: true });
for (const build of ['pixel.js', 'pixel.debug.js']) {
  let source;
  try {
    source = createRequire(import.meta.url).resolve(`@clm/pixel/${build}`);
  } catch {
    console.error(
      `[build] @clm/pixel/${build} is not built; run \`pnpm -r build\` (it builds the pixel first)`,
    );
    process.exit(1);
  }
  const target = fileURLToPath(new URL(`../dist/pixel/${build}`, import.meta.url));
  copyFileSync(source, target);
  console.log(`[build] dist/pixel/${build}: ${statSync(target).size} bytes from @clm/pixel`);
}
