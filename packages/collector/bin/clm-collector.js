#!/usr/bin/env node
// The package's bin. It is committed, unlike dist/, so that installing the workspace can
// link it before anything is built (no "Failed to create bin" warnings); run before a
// build, it says what to do instead of failing on a missing file.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('clm-collector: not built yet: run `pnpm build` at the repository root\n');
  process.exit(2);
}
await import(cli.href);
