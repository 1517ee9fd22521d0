// The published collector has to serve the pixel without @clm/pixel, which is not
// published: the build copies the built script into dist/pixel/, where
// routes/pixel.ts looks first.
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

let source;
try {
  source = createRequire(import.meta.url).resolve('@clm/pixel/pixel.js');
} catch {
  console.error('[build] @clm/pixel is not built; run `pnpm -r build` (it builds the pixel first)');
  process.exit(1);
}
const target = fileURLToPath(new URL('../dist/pixel/pixel.js', import.meta.url));
mkdirSync(fileURLToPath(new URL('../dist/pixel/', import.meta.url)), { recursive: true });
copyFileSync(source, target);
console.log(`[build] dist/pixel/pixel.js: ${statSync(target).size} bytes from @clm/pixel`);
