import { silentLogger } from '../log.js';
import { type PixelBuild, pixelInfo, readPixelScript } from '../tracking/pixel-route.js';
import { type CliIo, EXIT } from './io.js';

/** The builds to describe; default: read as the collector serves them. */
export type PixelScripts = Record<PixelBuild, Buffer | null>;

const readBuilds = (): PixelScripts => ({
  'pixel.js': readPixelScript(silentLogger),
  'pixel.debug.js': readPixelScript(silentLogger, 'pixel.debug.js'),
});

/**
 * `pixel-info`: the versioned pixel file this build serves and its SRI value, with a tag to
 * paste; then the same for the debug build (console messages), for pinning while debugging.
 */
export function runPixelInfo(
  options: { collector: string },
  io: CliIo,
  scripts: PixelScripts = readBuilds(),
): number {
  const script = scripts['pixel.js'];
  if (!script) {
    io.stderr.write('clm-collector: the pixel is not built (run pnpm build)\n');
    return EXIT.failed;
  }
  const base = options.collector.replace(/\/+$/, '');
  const tag = ({ file, integrity }: { file: string; integrity: string }) =>
    `<script async src="${base}/${file}" integrity="${integrity}" crossorigin="anonymous" ` +
    `data-collector="${base}" data-provider-key="…" data-service="…"></script>`;
  const { file, integrity } = pixelInfo(script);
  io.stdout.write(`file: ${file}\nintegrity: ${integrity}\ntag: ${tag({ file, integrity })}\n`);
  const debug = scripts['pixel.debug.js'];
  if (!debug) {
    io.stdout.write('debug file: not built (pixel.debug.js prints what the pixel does)\n');
    return EXIT.ok;
  }
  const debugInfo = pixelInfo(debug, 'pixel.debug.js');
  io.stdout.write(
    `debug file: ${debugInfo.file} (same script, with console messages; ${base}/pixel.debug.js is the unpinned name)\n` +
      `debug integrity: ${debugInfo.integrity}\ndebug tag: ${tag(debugInfo)}\n`,
  );
  return EXIT.ok;
}
