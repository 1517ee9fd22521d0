import { describe, expect, it } from 'vitest';
import { pixelInfo } from '../tracking/pixel-route.js';
import type { CliIo } from './io.js';
import { runPixelInfo } from './pixel-info.js';

const PIXEL = Buffer.from('/* pixel */');
const DEBUG = Buffer.from('/* pixel, with messages */');

const io = () => {
  const out = { stdout: '', stderr: '' };
  const cliIo: CliIo = {
    env: {},
    stdout: { write: (chunk: string) => (out.stdout += chunk) },
    stderr: { write: (chunk: string) => (out.stderr += chunk) },
  };
  return { cliIo, out };
};

describe('clm-collector pixel-info', () => {
  it('prints the pinned pixel and its tag, then the pinned debug build', () => {
    const { cliIo, out } = io();
    const scripts = { 'pixel.js': PIXEL, 'pixel.debug.js': DEBUG };
    expect(runPixelInfo({ collector: 'https://c.example/' }, cliIo, scripts)).toBe(0);
    const main = pixelInfo(PIXEL);
    const debug = pixelInfo(DEBUG, 'pixel.debug.js');
    expect(out.stdout).toBe(
      `file: ${main.file}\nintegrity: ${main.integrity}\n` +
        `tag: <script async src="https://c.example/${main.file}" integrity="${main.integrity}" crossorigin="anonymous" data-collector="https://c.example" data-provider-key="…" data-service="…"></script>\n` +
        `debug file: ${debug.file} (same script, with console messages; https://c.example/pixel.debug.js is the unpinned name)\n` +
        `debug integrity: ${debug.integrity}\n` +
        `debug tag: <script async src="https://c.example/${debug.file}" integrity="${debug.integrity}" crossorigin="anonymous" data-collector="https://c.example" data-provider-key="…" data-service="…"></script>\n`,
    );
  });

  it('says when the debug build is missing, and fails without the pixel', () => {
    const withoutDebug = io();
    const code = runPixelInfo({ collector: 'https://c.example' }, withoutDebug.cliIo, {
      'pixel.js': PIXEL,
      'pixel.debug.js': null,
    });
    expect(code).toBe(0);
    expect(withoutDebug.out.stdout).toContain('debug file: not built');

    const without = io();
    expect(
      runPixelInfo({ collector: 'https://c.example' }, without.cliIo, {
        'pixel.js': null,
        'pixel.debug.js': DEBUG,
      }),
    ).toBe(1);
    expect(without.out.stderr).toContain('not built');
  });
});
