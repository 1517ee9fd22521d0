import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { debianMirrors } from './debian-sources.mjs';

const dirs = [];
function aptDir(files) {
  const apt = mkdtempSync(join(tmpdir(), 'clm-apt-'));
  dirs.push(apt);
  mkdirSync(join(apt, 'sources.list.d'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(apt, name), text);
  return apt;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const DEB822 = `Types: deb
URIs: http://mirror.example/debian
Suites: bookworm bookworm-updates
Components: main contrib
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://security.example/debian-security
Suites: bookworm-security
Components: main
`;

describe("the machine's Debian mirrors", () => {
  it('reads deb822 sources: the release mirror and a main line per suite', () => {
    const apt = aptDir({ 'sources.list.d/debian.sources': DEB822 });
    expect(debianMirrors('bookworm', apt)).toEqual({
      mirror: 'http://mirror.example/debian',
      sourcesList:
        'deb http://mirror.example/debian bookworm main\n' +
        'deb http://mirror.example/debian bookworm-updates main\n' +
        'deb http://security.example/debian-security bookworm-security main\n',
    });
  });

  it('reads one-line sources and leaves out other releases, deb-src, disabled and other files', () => {
    const apt = aptDir({
      'sources.list':
        '# deb http://old.example/debian bookworm main\n' +
        'deb-src http://src.example/debian bookworm main\n' +
        'deb [arch=amd64] http://one.example/debian bookworm main\n' +
        'deb http://one.example/debian trixie main\n',
      'sources.list.d/vendor.sources':
        'Types: deb\nURIs: https://vendor.example/apt\nSuites: nodistro\nComponents: main\n',
      'sources.list.d/off.sources':
        'Types: deb\nURIs: http://off.example/debian\nSuites: bookworm\nEnabled: no\n',
      'sources.list.d/old.list.disabled': 'deb http://disabled.example/debian bookworm main\n',
    });
    expect(debianMirrors('bookworm', apt)).toEqual({
      mirror: 'http://one.example/debian',
      sourcesList: 'deb http://one.example/debian bookworm main\n',
    });
  });

  it('says so when no mirror carries the release', () => {
    const apt = aptDir({ 'sources.list': 'deb http://one.example/debian trixie main\n' });
    expect(() => debianMirrors('bookworm', apt)).toThrow(/no Debian bookworm mirror/);
  });
});
