// The first step of `pnpm test`: the Debian packages the tests need, installed when missing
// (as .ci/run does), so that a machine with only Node.js can run the README's test command.
// Chromium drives the e2e tests and the pixel's benchmark; faketime's libfaketime runs a
// collector at a chosen wall-clock instant (e2e/tests/usage-*.spec.ts).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const say = (message) => console.log(`[setup] ${message}`);

function chromiumFound() {
  return existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium');
}

// Where e2e/support/collector.ts looks for libfaketime.
function faketimeFound() {
  if (process.env.FAKETIME_LIB) return existsSync(process.env.FAKETIME_LIB);
  const dirs = ['/usr/lib/faketime', '/usr/local/lib/faketime'];
  for (const lib of ['/usr/lib', '/usr/lib64']) {
    if (!existsSync(lib)) continue;
    for (const entry of readdirSync(lib)) dirs.push(join(lib, entry, 'faketime'));
  }
  return dirs.some((dir) =>
    ['libfaketimeMT.so.1', 'libfaketime.so.1'].some((f) => existsSync(join(dir, f))),
  );
}

const onPath = (command) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;

const missing = [];
if (!chromiumFound()) missing.push('chromium');
if (!faketimeFound()) missing.push('faketime');
if (missing.length === 0) {
  say('Chromium and faketime are installed');
  process.exit(0);
}

const install = `apt-get install -y ${missing.join(' ')}`;
if (!onPath('apt-get')) {
  console.error(
    `[setup] the tests need ${missing.join(' and ')}, and this is not a Debian-like system: ` +
      'install them with your package manager (or set CHROMIUM_PATH and FAKETIME_LIB), then ' +
      'run the tests again',
  );
  process.exit(1);
}
const root = process.getuid?.() === 0;
if (!root && !onPath('sudo')) {
  console.error(
    `[setup] the tests need ${missing.join(' and ')}: run \`apt-get update && ${install}\` as root, then the tests again`,
  );
  process.exit(1);
}
const sudo = root ? [] : ['sudo'];
say(
  `${missing.join(' and ')} missing: ${sudo.join('')}${sudo.length ? ' ' : ''}apt-get update && ${install}`,
);
const run = (args) =>
  execFileSync(args[0], args.slice(1), {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
try {
  run([...sudo, 'apt-get', 'update', '-qq']);
  run([...sudo, 'apt-get', 'install', '-y', '-qq', ...missing]);
} catch {
  console.error(`[setup] installing ${missing.join(' and ')} failed (see above)`);
  process.exit(1);
}
if (!chromiumFound() || !faketimeFound()) {
  console.error('[setup] installed, but Chromium or libfaketime is still not where the tests look');
  process.exit(1);
}
say(`installed ${missing.join(' and ')}`);
