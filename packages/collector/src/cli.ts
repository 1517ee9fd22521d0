#!/usr/bin/env node
import { endQuietlyOnClosedPipe } from './cli/closed-pipe.js';

endQuietlyOnClosedPipe(process.stdout);
endQuietlyOnClosedPipe(process.stderr);
const argv = process.argv.slice(2);
const io = { env: process.env, stdout: process.stdout, stderr: process.stderr };
// `serve` alone, as the service runs, loads the collector only (see serveEntry); anything
// else, `serve --help` included, goes through the whole CLI.
process.exitCode =
  argv.length === 1 && argv[0] === 'serve'
    ? await (await import('./cli/serve-entry.js')).serveEntry(io)
    : await (await import('./cli/run.js')).runCli(argv, io);
