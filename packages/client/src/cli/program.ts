// The `stratum` command tree. Each command lives in its own module under commands/.
import { Command, CommanderError, Option } from 'commander';
import { exitCodeForError, ExitCode } from './exit-codes.js';
import { StratumError } from '../sdk/errors.js';
import { FileValidationError } from '../files/file-errors.js';
import { CliContext, type CliIO, type GlobalOptions } from './context.js';
import { registerLogin } from './commands/login.js';
import { registerSweep } from './commands/sweep.js';
import { registerRuns } from './commands/runs.js';
import { registerExport } from './commands/export.js';
import { registerCheck } from './commands/check.js';

export const VERSION = '0.1.0';

export function buildProgram(io: CliIO): { program: Command; ctx: CliContext } {
  const program = new Command();
  const ctx = new CliContext(io, () => program.opts<GlobalOptions>());
  program
    .name('stratum')
    .description('Stratum from the command line: declare sweeps, follow them, query and export runs, and gate CI on regressions.')
    .version(VERSION, '-V, --version')
    .option('--url <url>', 'API base URL (default: $STRATUM_URL, else the stored login)')
    .option('--token <token>', 'API token (default: $STRATUM_TOKEN, else the stored login)')
    .addOption(new Option('--request-timeout <seconds>', 'per-request timeout').default('60'))
    .option('--no-progress', 'never draw progress bars (they are drawn only on a terminal anyway)')
    .option('-v, --verbose', 'report retries and other details on stderr')
    .configureHelp({ showGlobalOptions: true })
    .exitOverride()
    .showHelpAfterError('(add --help for usage and examples)')
    .configureOutput({
      writeOut: (text) => void io.stdout.write(text),
      writeErr: (text) => void io.stderr.write(text),
    })
    .addHelpText('after', `
Configuration: flags, then STRATUM_URL / STRATUM_TOKEN, then the login stored by
\`stratum login\` ($XDG_CONFIG_HOME/stratum/config.json or ~/.config/stratum/config.json).
With none of them, a local API in local-dev mode at http://127.0.0.1:4000 (the demo's;
$STRATUM_LOCAL_URL for another address) is used when it answers, and stderr says so.
STRATUM_PROJECT is the default --project.

Exit codes:
  0  success; every check rule passed; every watched run succeeded
  1  a regression was detected, or a watched sweep ended with failed/cancelled runs
  2  usage or input error (bad flag, invalid sweep file, unknown name), or insufficient data
  3  the API could not answer: unreachable, token refused, server error, timeout
`);
  registerLogin(program, ctx);
  registerSweep(program, ctx);
  registerRuns(program, ctx);
  registerExport(program, ctx);
  registerCheck(program, ctx);
  return { program, ctx };
}

/**
 * Whether an error only says that whoever reads standard output has gone (`stratum export | head`):
 * the reader has what it wanted, so the command ends quietly and successfully, as with SIGPIPE.
 */
export function isClosedOutput(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED';
}

/** Runs the CLI; resolves to the exit code (the process entry sets process.exitCode). */
export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const { program, ctx } = buildProgram(io);
  try {
    await program.parseAsync([...argv]);
    return ctx.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed the message (or the help) already.
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? ExitCode.OK : ExitCode.USAGE;
    }
    if (isClosedOutput(error)) return ExitCode.OK;
    if (error instanceof FileValidationError) {
      io.stderr.write(`stratum: ${error.message}\n`);
    } else if (error instanceof StratumError) {
      io.stderr.write(`stratum: ${error.message} [${error.code}]\n`);
    } else {
      io.stderr.write(`stratum: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
    }
    return exitCodeForError(error);
  } finally {
    await ctx.close();
  }
}
