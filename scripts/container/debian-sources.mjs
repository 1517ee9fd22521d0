// The machine's own Debian mirrors, read from its apt configuration, so that the stand-in
// base image fetches packages from where this machine may reach them and nowhere else.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Suites of one Debian release: `bookworm`, `bookworm-updates`, `bookworm-security`. */
const ofRelease = (suite, release) => suite === release || suite.startsWith(`${release}-`);

function oneLineEntries(text) {
  const entries = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    // `deb [options] uri suite component...`
    const match = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)\s+(.+)$/.exec(line);
    if (match)
      entries.push({ uri: match[1], suites: [match[2]], components: match[3].split(/\s+/) });
  }
  return entries;
}

function deb822Entries(text) {
  const entries = [];
  for (const stanza of text.split(/\n\s*\n/)) {
    const fields = {};
    for (const line of stanza.split('\n')) {
      const match = /^([\w-]+):\s*(.*)$/.exec(line);
      if (match) fields[match[1].toLowerCase()] = match[2].trim();
    }
    if (!fields.uris || !fields.suites || fields.enabled === 'no') continue;
    if (!(fields.types ?? '').split(/\s+/).includes('deb')) continue;
    for (const uri of fields.uris.split(/\s+/)) {
      entries.push({
        uri,
        suites: fields.suites.split(/\s+/),
        components: (fields.components ?? 'main').split(/\s+/),
      });
    }
  }
  return entries;
}

function allEntries(apt) {
  const entries = [];
  const list = join(apt, 'sources.list');
  if (existsSync(list)) entries.push(...oneLineEntries(readFileSync(list, 'utf8')));
  const dir = join(apt, 'sources.list.d');
  const files = existsSync(dir) ? readdirSync(dir).sort() : [];
  for (const file of files) {
    const text = readFileSync(join(dir, file), 'utf8');
    if (file.endsWith('.list')) entries.push(...oneLineEntries(text));
    if (file.endsWith('.sources')) entries.push(...deb822Entries(text));
  }
  return entries;
}

/**
 * The `main` component of `release` as this machine's apt configuration reaches it: the
 * mirror of the release itself (for debootstrap) and the `deb` lines for the image's
 * apt, one per suite (`bookworm`, `bookworm-updates`, `bookworm-security`).
 */
export function debianMirrors(release, apt = '/etc/apt') {
  const lines = [];
  let mirror;
  for (const { uri, suites, components } of allEntries(apt)) {
    if (!components.includes('main')) continue;
    for (const suite of suites.filter((s) => ofRelease(s, release))) {
      if (suite === release) mirror ??= uri;
      const line = `deb ${uri} ${suite} main`;
      if (!lines.includes(line)) lines.push(line);
    }
  }
  if (!mirror) {
    throw new Error(`no Debian ${release} mirror with "main" in ${apt}/sources.list*`);
  }
  return { mirror, sourcesList: `${lines.join('\n')}\n` };
}
