#!/usr/bin/env node
// stratum-api: `serve` (default), `token create|list|revoke`, `emit-schema`.
import { Command, Option } from 'commander';
import { loadConfig, isLoopback, ConfigurationError } from './env.js';
import { createLogger } from './logger.js';
import { createServices, startApi } from './app.js';
import { createSchema } from './schema.js';
import { printSchemaFile } from './schema-file.js';
import { deliverFirstAdminToken } from './auth/first-admin.js';

const program = new Command('stratum-api').description('The Stratum GraphQL API server');

program
  .command('serve', { isDefault: true })
  .description('run migrations and serve GraphQL on HOST:PORT (see README for every variable)')
  .action(async () => {
    const config = loadConfig();
    if (config.STRATUM_LOCAL_DEV && !isLoopback(config.HOST)) {
      throw new ConfigurationError(`STRATUM_LOCAL_DEV accepts anonymous requests and is only allowed on a loopback HOST, not ${config.HOST}`);
    }
    const log = createLogger(config.LOG_LEVEL);
    // Local-dev mode answers loopback requests as its admin, so no first admin token is made
    // (or written to the data directory); a later start without it makes one if none is active.
    const api = await startApi(config, { log, bootstrapAdmin: !config.STRATUM_LOCAL_DEV });
    if (api.firstAdminToken) {
      // Deliberately not a log line, and not on a non-terminal stdout (container logs): see first-admin.ts.
      process.stdout.write(deliverFirstAdminToken(api.firstAdminToken, config.STRATUM_DATA_DIR, process.stdout.isTTY === true));
    }
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'shutting down');
      await api.close();
      process.exit(0);
    };
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));
  });

const token = program.command('token').description('manage API tokens (run on the server, with its DATABASE_URL)');

token
  .command('create')
  .description('create a token; it is printed once')
  .addOption(new Option('--role <role>', 'ADMIN, WRITER, AGENT or READER').makeOptionMandatory().argParser((v) => v.toUpperCase()))
  .requiredOption('--label <label>', 'what the token is for, e.g. gpu-host-1')
  .option('--agent-id <id>', 'bind an AGENT token to one registered agent')
  .action(async (opts: { role: string; label: string; agentId?: string }) => {
    if (!['ADMIN', 'WRITER', 'AGENT', 'READER'].includes(opts.role)) throw new ConfigurationError(`--role must be ADMIN, WRITER, AGENT or READER, not ${opts.role}`);
    await withServices(async (services) => {
      const created = await services.tokens.create(opts.role as 'ADMIN', opts.label, opts.agentId ?? null);
      process.stdout.write(`${created.token}\n`);
      process.stderr.write(`created ${opts.role} token ${created.id} (${opts.label}); it will not be shown again\n`);
    });
  });

token
  .command('list')
  .description('list tokens (never their secrets)')
  .action(async () => {
    await withServices(async (services) => {
      for (const t of await services.tokens.list()) {
        process.stdout.write(`${t.id}  ${t.role.padEnd(6)}  ${t.prefix}…  ${t.label}  ${t.revokedAt ? 'revoked ' + t.revokedAt.toISOString() : 'active'}  last used ${t.lastUsedAt?.toISOString() ?? 'never'}\n`);
      }
    });
  });

token
  .command('revoke <id>')
  .description('revoke a token; it stops working at once')
  .action(async (id: string) => {
    await withServices(async (services) => {
      const done = await services.tokens.revoke(id);
      if (!done) throw new ConfigurationError(`no active token with id ${id}`);
      process.stdout.write(`revoked ${id}\n`);
    });
  });

program
  .command('emit-schema [file]')
  .description('write the GraphQL SDL (default: schema.graphql)')
  .action(async (file = 'schema.graphql') => {
    const schema = await createSchema({ publish: () => undefined, subscribe: () => ({ [Symbol.asyncIterator]: () => ({ next: async () => ({ done: true, value: undefined }) }) }) });
    await printSchemaFile(schema, file);
  });

async function withServices(fn: (services: Awaited<ReturnType<typeof createServices>>['services']) => Promise<void>): Promise<void> {
  const config = loadConfig();
  const { services, closeDatabase } = await createServices(config, { log: createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL) });
  try {
    await fn(services);
  } finally {
    await closeDatabase();
  }
}

program.parseAsync().catch((error: unknown) => {
  process.stderr.write(`stratum-api: ${(error as Error).message}\n`);
  process.exit(error instanceof ConfigurationError ? 2 : 1);
});
