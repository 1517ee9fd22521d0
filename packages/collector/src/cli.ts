#!/usr/bin/env node
import { endQuietlyOnClosedPipe } from './cli/closed-pipe.js';
import { runCli } from './cli/run.js';

endQuietlyOnClosedPipe(process.stdout);
endQuietlyOnClosedPipe(process.stderr);
process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
});
