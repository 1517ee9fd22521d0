import { silentLogger } from '../log.js';
import { pixelInfo, readPixelScript } from '../tracking/pixel-route.js';
import { type CliIo, EXIT } from './io.js';

/** `pixel-info`: the versioned pixel file this build serves and its SRI value. */
export function runPixelInfo(options: { collector: string }, io: CliIo): number {
  const script = readPixelScript(silentLogger);
  if (!script) {
    io.stderr.write('clm-collector: the pixel is not built (run pnpm build)\n');
    return EXIT.failed;
  }
  const { file, integrity } = pixelInfo(script);
  const base = options.collector.replace(/\/+$/, '');
  io.stdout.write(
    `file: ${file}\nintegrity: ${integrity}\n` +
      `tag: <script async src="${base}/${file}" integrity="${integrity}" crossorigin="anonymous" ` +
      `data-collector="${base}" data-provider-key="…" data-service="…"></script>\n`,
  );
  return EXIT.ok;
}
