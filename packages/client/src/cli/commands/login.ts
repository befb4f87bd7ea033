// `stratum login` stores the API URL and token (0600) after checking them; `stratum whoami`
// shows which API and identity the other commands would use, and where each came from.
import type { Command } from 'commander';
import { createClient } from '../../sdk/client.js';
import { saveLogin, validateLogin } from '../config.js';
import { StratumError } from '../../sdk/errors.js';
import type { CliContext } from '../context.js';
import { readAll, withExamples } from '../help.js';
import { toJson } from '../output.js';

interface LoginOptions { tokenStdin?: boolean; verify: boolean; json?: boolean }

export function registerLogin(program: Command, ctx: CliContext): void {
  withExamples(
    program
      .command('login')
      .description('store the API URL (--url) and token (--token or --token-stdin) in the user config dir (file mode 0600), after checking them')
      .option('--token-stdin', 'read the token from standard input (a --token argument is visible in the process list)')
      .option('--no-verify', 'store without asking the API whether the token works')
      .option('--json', 'print the result as JSON'),
    [
      ['stratum login --url http://localhost:4000 --token stm_…', 'log in'],
      ['echo "$STRATUM_TOKEN" | stratum login --url https://stratum.lab --token-stdin', 'keep the token out of ps'],
    ],
  ).action(async (options: LoginOptions) => {
    const { url, token: tokenFlag } = ctx.globalOptions();
    if (!url) throw new StratumError('USAGE', 'login needs --url <url> (the API base URL, e.g. http://localhost:4000)');
    if (tokenFlag && options.tokenStdin) throw new StratumError('USAGE', 'give --token or --token-stdin, not both');
    const token = options.tokenStdin ? (await readAll(ctx.io.stdin)).trim() : tokenFlag;
    const file = ctx.configFile;
    let viewer: { role: string; label: string } | null = null;
    if (options.verify) {
      // Validate the shape first (same rules as the stored file) so a typo is a usage error.
      const checked = validateLogin({ url, token });
      viewer = await createClient({ url: checked.url, token: checked.token ?? null, retry: { retries: 1 } }).viewer();
    }
    const stored = saveLogin({ url, token }, file);
    if (options.json) {
      ctx.out(toJson({ url: stored.url, file, verified: viewer !== null, role: viewer?.role ?? null, label: viewer?.label ?? null }));
    } else {
      const who = viewer ? ` as ${viewer.role} (${viewer.label})` : ' (not verified)';
      ctx.out(`Logged in to ${stored.url}${who}.\nSaved to ${file} (mode 0600).\n`);
    }
  });

  withExamples(
    program
      .command('whoami')
      .description('show the API and identity other commands use, and where each setting came from')
      .option('--json', 'print the result as JSON'),
    [
      ['stratum whoami', 'check the stored login'],
      ['STRATUM_URL=http://ci-api:4000 STRATUM_TOKEN=stm_… stratum whoami --json', 'check CI settings'],
    ],
  ).action(async (options: { json?: boolean }) => {
    const client = await ctx.client();
    const viewer = await client.viewer();
    const { source } = await ctx.connection();
    if (options.json) {
      ctx.out(toJson({ url: client.url, role: viewer.role, label: viewer.label, source }));
    } else {
      ctx.out(`${client.url}: ${viewer.role} (${viewer.label})\nurl from ${source.url}, token from ${source.token}${source.url === 'file' || source.token === 'file' ? ` (${ctx.configFile})` : ''}\n`);
    }
  });
}
