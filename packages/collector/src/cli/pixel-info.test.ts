import { describe, expect, it } from 'vitest';
import { pixelInfo } from '../tracking/pixel-route.js';
import type { CliIo } from './io.js';
import { PIXEL_STUB, type PixelInfoOptions, runPixelInfo } from './pixel-info.js';

const PIXEL = Buffer.from('/* pixel */');
const DEBUG = Buffer.from('/* pixel, with messages */');
const BOTH = { 'pixel.js': PIXEL, 'pixel.debug.js': DEBUG };

const run = (
  options: PixelInfoOptions,
  env: Record<string, string> = {},
  scripts: Parameters<typeof runPixelInfo>[2] = BOTH,
) => {
  const out = { stdout: '', stderr: '' };
  const cliIo: CliIo = {
    env,
    stdout: { write: (chunk: string) => (out.stdout += chunk) },
    stderr: { write: (chunk: string) => (out.stderr += chunk) },
  };
  return { code: runPixelInfo(options, cliIo, scripts), ...out };
};

describe('clm-collector pixel-info', () => {
  const main = pixelInfo(PIXEL);
  const debug = pixelInfo(DEBUG, 'pixel.debug.js');

  it('prints the stub and the pinned tag, filled in from the configuration, then the files', () => {
    const { code, stdout, stderr } = run(
      { collector: 'https://c.example/' },
      { CLM_PARTNER_KEYS: ' PK-123 ', CLM_SERVICE_NAME: 'acme-crm' },
    );
    expect(code).toBe(0);
    expect(stdout).toBe(
      `${PIXEL_STUB}\n` +
        `<script async src="https://c.example/${main.file}" integrity="${main.integrity}" crossorigin="anonymous" data-provider-key="PK-123" data-service="acme-crm"></script>\n` +
        '\n' +
        `file: ${main.file}\nintegrity: ${main.integrity}\n` +
        `debug file: ${debug.file} (the same script with console messages: put it in the tag's src while debugging, with its own integrity)\n` +
        `debug integrity: ${debug.integrity}\n`,
    );
    expect(stderr).toBe('');
  });

  it('is the stub the README and the product contract document', () => {
    expect(PIXEL_STUB).toBe(
      "<script>window.clmPixel=window.clmPixel||{q:[],purchase:function(){clmPixel.q.push(['purchase',arguments])}};</script>",
    );
  });

  it('takes the key and the service from flags over the environment, escaped', () => {
    const { stdout, stderr } = run(
      { collector: 'https://c.example', providerKey: 'PK-"x"', service: 'crm' },
      { CLM_PARTNER_KEYS: 'PK-1,PK-2', CLM_SERVICE_NAMES: 'a,b' },
    );
    expect(stdout).toContain('data-provider-key="PK-&quot;x&quot;" data-service="crm"');
    expect(stderr).toBe('');
  });

  it('defaults to this machine’s collector, and says so', () => {
    const local = run({}, { CLM_PARTNER_KEYS: 'PK-1', CLM_SERVICE_NAMES: 'crm' });
    expect(local.stdout).toContain(`src="http://127.0.0.1:8080/${main.file}"`);
    expect(local.stdout).toContain('data-service="crm"');
    expect(local.stderr).toMatch(
      /^pixel-info: no --collector given: the tag loads the pixel from http:\/\/127\.0\.0\.1:8080, .*--collector https:/,
    );
    const bound = run({}, { HOST: '10.0.0.5', PORT: '9000' });
    expect(bound.stdout).toContain(`src="http://10.0.0.5:9000/${main.file}"`);
    expect(run({}, { HOST: '::' }).stdout).toContain(`src="http://[::1]:8080/`);
  });

  it('leaves placeholders it cannot fill, and says what to set', () => {
    const none = run({ collector: 'https://c.example' });
    expect(none.stdout).toContain(
      'data-provider-key="YOUR-PROVIDER-KEY" data-service="YOUR-SERVICE-NAME"',
    );
    expect(none.stderr).toBe(
      'pixel-info: CLM_PARTNER_KEYS is not set: replace YOUR-PROVIDER-KEY in the tag, or pass --provider-key\n' +
        'pixel-info: CLM_SERVICE_NAME is not set: replace YOUR-SERVICE-NAME in the tag, or pass --service\n',
    );
    const two = run({ collector: 'https://c.example' }, { CLM_PARTNER_KEYS: 'PK-1,PK-2' });
    expect(two.stderr).toContain(
      'CLM_PARTNER_KEYS lists 2 values: pass --provider-key to choose one',
    );
  });

  it('refuses a collector that is not an http(s) URL', () => {
    expect(() => run({ collector: 'collect.example' })).toThrow(/--collector must be an http/);
  });

  it('says when the debug build is missing, and fails without the pixel', () => {
    const withoutDebug = run(
      { collector: 'https://c.example' },
      {},
      {
        'pixel.js': PIXEL,
        'pixel.debug.js': null,
      },
    );
    expect(withoutDebug.code).toBe(0);
    expect(withoutDebug.stdout).toContain('debug file: not built');

    const without = run(
      { collector: 'https://c.example' },
      {},
      {
        'pixel.js': null,
        'pixel.debug.js': DEBUG,
      },
    );
    expect(without.code).toBe(1);
    expect(without.stderr).toContain('not built');
  });
});
