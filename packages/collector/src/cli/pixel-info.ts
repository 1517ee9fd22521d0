import { escapeHtml } from '../admin/views/html.js';
import { silentLogger } from '../log.js';
import { type PixelBuild, pixelInfo, readPixelScript } from '../tracking/pixel-route.js';
import { type CliIo, EXIT, UsageError } from './io.js';

/** The builds to describe; default: read as the collector serves them. */
export type PixelScripts = Record<PixelBuild, Buffer | null>;

/** What `pixel-info` was given on its command line. */
export interface PixelInfoOptions {
  /** The collector's public base URL. Default: this machine's collector, from PORT/HOST. */
  collector?: string | undefined;
  /** Default: the single key of CLM_PARTNER_KEYS. */
  providerKey?: string | undefined;
  /** Default: CLM_SERVICE_NAME, or the single name of CLM_SERVICE_NAMES. */
  service?: string | undefined;
}

/** The documented queue stub: the first of the two lines on every page. */
export const PIXEL_STUB =
  "<script>window.clmPixel=window.clmPixel||{q:[],purchase:function(){clmPixel.q.push(['purchase',arguments])}};</script>";

const readBuilds = (): PixelScripts => ({
  'pixel.js': readPixelScript(silentLogger),
  'pixel.debug.js': readPixelScript(silentLogger, 'pixel.debug.js'),
});

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);

/** The address this machine's collector answers on, as `serve` would bind it. */
function localCollector(env: CliIo['env']): string {
  const host = env.HOST?.trim() || '0.0.0.0';
  const port = env.PORT?.trim() || '8080';
  // A page cannot load from 0.0.0.0 or ::: those mean "every interface".
  const reachable =
    host === '0.0.0.0'
      ? '127.0.0.1'
      : host === '::'
        ? '[::1]'
        : host.includes(':')
          ? `[${host}]`
          : host;
  return `http://${reachable}:${port}`;
}

function collectorBase(options: PixelInfoOptions, env: CliIo['env'], notes: string[]): string {
  if (options.collector === undefined) {
    const local = localCollector(env);
    notes.push(
      `no --collector given: the tag loads the pixel from ${local}, this machine's collector ` +
        '(from PORT and HOST), which only pages opened on this machine reach. For your site, ' +
        "pass the collector's public URL: --collector https://collect.your-domain.example",
    );
    return local;
  }
  const url = URL.canParse(options.collector) ? new URL(options.collector) : undefined;
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
    throw new UsageError(`--collector must be an http(s) URL, not "${options.collector}"`);
  }
  return options.collector.replace(/\/+$/, '');
}

/** A value from a flag, else a single configured one, else a placeholder and a note why. */
function pick(
  flag: string | undefined,
  configured: string[],
  what: { placeholder: string; variable: string; option: string },
  notes: string[],
): string {
  if (flag !== undefined) return flag;
  if (configured.length === 1) return configured[0] as string;
  notes.push(
    configured.length === 0
      ? `${what.variable} is not set: replace ${what.placeholder} in the tag, or pass ${what.option}`
      : `${what.variable} lists ${configured.length} values: pass ${what.option} to choose one`,
  );
  return what.placeholder;
}

/**
 * `pixel-info`: the two lines a provider pastes on every page (the stub and the versioned,
 * pinned pixel tag, filled in from the flags and the collector's environment), then the
 * file and its integrity value, and the same for the debug build. Notes about what had to be
 * guessed or left as a placeholder go to stderr, so stdout is only what to paste and read.
 */
export function runPixelInfo(
  options: PixelInfoOptions,
  io: CliIo,
  scripts: PixelScripts = readBuilds(),
): number {
  const script = scripts['pixel.js'];
  if (!script) {
    io.stderr.write('clm-collector: the pixel is not built (run pnpm build)\n');
    return EXIT.failed;
  }
  const notes: string[] = [];
  const base = collectorBase(options, io.env, notes);
  const key = pick(
    options.providerKey,
    list(io.env.CLM_PARTNER_KEYS),
    { placeholder: 'YOUR-PROVIDER-KEY', variable: 'CLM_PARTNER_KEYS', option: '--provider-key' },
    notes,
  );
  const serviceName = io.env.CLM_SERVICE_NAME?.trim();
  const service = pick(
    options.service,
    serviceName ? [serviceName] : list(io.env.CLM_SERVICE_NAMES),
    { placeholder: 'YOUR-SERVICE-NAME', variable: 'CLM_SERVICE_NAME', option: '--service' },
    notes,
  );
  const tag = ({ file, integrity }: { file: string; integrity: string }) =>
    `<script async src="${escapeHtml(`${base}/${file}`)}" integrity="${integrity}" crossorigin="anonymous" ` +
    `data-provider-key="${escapeHtml(key)}" data-service="${escapeHtml(service)}"></script>`;

  const main = pixelInfo(script);
  io.stdout.write(
    `${PIXEL_STUB}\n${tag(main)}\n\n` + `file: ${main.file}\nintegrity: ${main.integrity}\n`,
  );
  const debug = scripts['pixel.debug.js'];
  if (debug) {
    const info = pixelInfo(debug, 'pixel.debug.js');
    io.stdout.write(
      `debug file: ${info.file} (the same script with console messages: put it in the tag's ` +
        `src while debugging, with its own integrity)\ndebug integrity: ${info.integrity}\n`,
    );
  } else {
    io.stdout.write('debug file: not built (pixel.debug.js prints what the pixel does)\n');
  }
  for (const note of notes) io.stderr.write(`pixel-info: ${note}\n`);
  return EXIT.ok;
}
