import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config.js';
import { isClosedPipe } from './closed-pipe.js';
import { addRelayCommands, addStatusCommands, DB_HELP } from './database-commands.js';
import { integer } from './integer.js';
import { type CliIo, EXIT, UsageError } from './io.js';
import { addSandboxCommand } from './sandbox-command.js';
import { addPixelInfoCommand, addServiceCommands } from './service-commands.js';
import { addUsageCommands } from './usage-commands.js';

function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command('clm-collector')
    .description(
      'Collects marketplace purchase beacons and relays them to the onramp; provisions ' +
        'marketplace orders, starts and ends their billing, and reports their usage.',
    )
    .exitOverride()
    // Options after a command's name are that command's: `usage --period` lists a period,
    // `usage close --period` closes one.
    .enablePositionalOptions()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError();
  // In the order `help` lists them.
  addServiceCommands(program, io, setExit);
  addSandboxCommand(program, io, setExit);
  addPixelInfoCommand(program, io, setExit);
  addStatusCommands(program, io, setExit);
  addUsageCommands(program, io, setExit, { dbHelp: DB_HELP, count: integer(1, 120) });
  addRelayCommands(program, io, setExit);
  program.addHelpText('after', () => subcommandList(program));
  return program;
}

// Commander lists a program's own commands only: those under one (`usage close`) are
// named here too, so the top-level help shows every command there is.
function subcommandList(program: Command): string {
  const lines = program.commands.flatMap((command) =>
    command.commands.map((sub) =>
      `  ${`${command.name()} ${sub.name()}`.padEnd(16)}  ${sub.description()}`.trimEnd(),
    ),
  );
  return lines.length === 0 ? '' : `\nSubcommands (see \`help <command>\`):\n${lines.join('\n')}\n`;
}

/**
 * Runs the `clm-collector` CLI with `argv` (arguments after the program name) and
 * resolves with the exit code: 0 ok, 1 failed, 2 usage or configuration error.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram(io, (value) => {
    code = value;
  });
  try {
    if (argv.length === 0) {
      program.outputHelp({ error: true });
      return EXIT.usage;
    }
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    // The reader went away (`| head`): it has what it wanted; nothing to say, and nowhere.
    if (isClosedPipe(error)) return EXIT.ok;
    if (error instanceof UsageError || error instanceof ConfigError) {
      io.stderr.write(`clm-collector: ${error.message}\n`);
      return EXIT.usage;
    }
    io.stderr.write(`clm-collector: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failed;
  }
}
