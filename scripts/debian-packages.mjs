// Debian packages installed when missing, the one way every script here does it: `apt-get
// update` then `apt-get install -y`, as root or through sudo, printing what it runs. Used by
// test-setup.mjs (the tests' packages) and container-smoke.mjs (podman and its helpers).
import { execFileSync, spawnSync } from 'node:child_process';

export const onPath = (command) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;

/** `a`, `a and b`, `a, b and c`. */
export const list = (names) =>
  names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;

/**
 * Installs `packages` with apt-get (through sudo when not root); `before` is a command to run
 * first with the same privileges, and `notDebian` the advice when there is no apt-get.
 * Throws with what the caller should tell the user when it cannot.
 */
export function aptInstall(packages, { say, notDebian, before, note = '' }) {
  const install = `apt-get install -y ${packages.join(' ')}`;
  if (!onPath('apt-get')) {
    throw new Error(`${list(packages)} needed, and this is not a Debian-like system: ${notDebian}`);
  }
  const root = process.getuid?.() === 0;
  if (!root && !onPath('sudo')) {
    throw new Error(`${list(packages)} needed: run \`apt-get update && ${install}\` as root`);
  }
  const sudo = root ? [] : ['sudo'];
  say(`${list(packages)} missing: ${root ? '' : 'sudo '}apt-get update && ${install}${note}`);
  const run = (args) =>
    execFileSync(args[0], args.slice(1), {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  try {
    if (before) run([...sudo, ...before]);
    run([...sudo, 'apt-get', 'update', '-qq']);
    run([...sudo, 'apt-get', 'install', '-y', '-qq', ...packages]);
  } catch {
    throw new Error(`installing ${list(packages)} failed (see above)`);
  }
}
