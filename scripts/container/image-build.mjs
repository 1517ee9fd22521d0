// The host side of the container checks: podman and its helpers from Debian, podman's
// settings, the base image's stand-in, then the collector's image built from its Dockerfile
// as it is, in Docker's format (the OCI format has no HEALTHCHECK).
import { readFileSync } from 'node:fs';
import { aptInstall, onPath } from '../debian-packages.mjs';
import { ensureBaseImage } from './base-image.mjs';
import { configurePodman } from './podman-config.mjs';
import { run, timed } from './process.mjs';

export const DOCKERFILE = 'packages/collector/Dockerfile';
/** The tag README's `docker build` gives, and compose.postgres.yml's `image:`. */
export const COLLECTOR_IMAGE = 'localhost/clm-collector:latest';

// runc: crun refuses the hybrid cgroups of machines like CI's; debootstrap for the base
// image's stand-in; uidmap, which podman recommends, where recommends are not installed.
const NEEDED = { podman: 'podman', runc: 'runc', debootstrap: 'debootstrap', newuidmap: 'uidmap' };

export function installPodman(say) {
  const missing = Object.entries(NEEDED)
    .filter(([command]) => !onPath(command) && !onPath(`/usr/sbin/${command}`))
    .map(([, pkg]) => pkg);
  if (missing.length === 0) return say('podman, runc, debootstrap and uidmap are installed');
  aptInstall(missing, { say, notDebian: 'install podman, runc and debootstrap yourself' });
}

/** The base image of the Dockerfile's stages, its `ARG` defaults substituted. */
export function baseImageOf(text) {
  const args = {};
  const bases = new Set();
  for (const line of text.split('\n')) {
    const arg = /^ARG\s+(\w+)=(\S+)/.exec(line);
    if (arg) args[arg[1]] = arg[2];
    const from = /^FROM\s+(\S+)/.exec(line);
    if (from) bases.add(from[1].replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a, b) => args[a ?? b] ?? ''));
  }
  if (bases.size !== 1) throw new Error(`expected one base image, found ${[...bases].join(', ')}`);
  return [...bases][0];
}

/** The collector Dockerfile's base image, as its `FROM` names it. */
export const collectorBaseImage = () => baseImageOf(readFileSync(DOCKERFILE, 'utf8'));

/** Everything up to a built collector image; the stand-in base only when it is missing. */
export async function buildCollectorImage(say) {
  await timed('Debian packages', async () => installPodman(say));
  configurePodman(say);
  const base = collectorBaseImage();
  await timed(`base image ${base}`, () => ensureBaseImage(base, say));
  say(`podman build --format docker -f ${DOCKERFILE} -t ${COLLECTOR_IMAGE} .`);
  await timed('podman build', () =>
    run(
      'podman',
      ['build', '--format', 'docker', '--pull=never', '-f', DOCKERFILE, '-t', COLLECTOR_IMAGE, '.'],
      { inherit: true },
    ),
  );
}
