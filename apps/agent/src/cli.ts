#!/usr/bin/env node
// stratum-agent: parse flags/env, start the daemon, drain on SIGTERM/SIGINT (a second signal
// exits at once). Exit codes: 0 clean stop (or --once job succeeded), 1 --once job did not
// succeed or an unexpected error, 2 configuration error (bad flag, unknown GPU, work dir in use,
// requested backend unavailable).
import { CommanderError } from 'commander';
import { Agent, WorkDirInUseError } from './agent.js';
import { AgentConfigError, loadAgentConfig } from './env.js';
import { DeviceError } from './inventory.js';
import { createLogger } from './logger.js';
import { BackendUnavailableError } from './backends.js';
import { isUnauthorized } from './protocol/client.js';

function fail(message: string, code: number): never {
  process.stderr.write(`stratum-agent: ${message}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  let config;
  try {
    config = loadAgentConfig(process.argv.slice(2), process.env, (text) => process.stdout.write(text));
  } catch (error) {
    if (error instanceof CommanderError) process.exit(0); // --help
    if (error instanceof AgentConfigError) fail(error.message, 2);
    throw error;
  }
  const log = createLogger(config.logLevel, { agent: config.name });
  const agent = new Agent(config, log, { env: process.env });
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      log.warn({ signal }, 'second signal: exiting now; unsent metrics stay spooled for the next start');
      process.exit(130);
    }
    agent.stop(signal);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    const summary = await agent.run();
    log.info({ summary }, 'agent stopped');
    if (config.once && summary.lastOutcome !== null && summary.lastOutcome !== 'succeeded') process.exitCode = 1;
  } catch (error) {
    if (error instanceof BackendUnavailableError) {
      log.fatal({ backend: error.backend, reason: error.reason }, error.message);
      fail(`${error.message}\nNot falling back to another backend. See apps/agent/README.md (GPU hosts) for the CUDA/cuDNN requirements, or pass --backend auto.`, 2);
    }
    if (error instanceof DeviceError || error instanceof WorkDirInUseError) fail(error.message, 2);
    if (isUnauthorized(error)) {
      fail(`the API refused this agent's token (${error.status === 403 || error.code === 'FORBIDDEN' ? 'FORBIDDEN' : 'UNAUTHENTICATED'}): ${error.message}`, 2);
    }
    log.fatal({ error: error instanceof Error ? error.stack : String(error) }, 'agent failed');
    fail(error instanceof Error ? error.message : String(error), 1);
  }
}

void main();
