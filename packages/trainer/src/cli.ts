#!/usr/bin/env node
/**
 * stratum-train: train locally without a server.
 *
 *   stratum-train --config run.json --out runs/a [--backend wasm] [--resume latest|<file>]
 *
 * Writes to --out: config.json (the resolved config), metrics.jsonl (one MetricPoint per
 * line), checkpoints/step-<n>.ckpt with checkpoints/index.jsonl ({step, sha256, file}), and
 * summary.json. A progress line goes to stderr; Ctrl-C stops at the next step boundary after
 * writing a checkpoint (exit 130).
 */
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import pino from 'pino';
import { BACKEND_CHOICES, ConfigError, resolveRunConfig } from '@stratum/run-config';
import { train, type StepInfo } from './train/loop.js';

interface CliOptions {
  config: string;
  out: string;
  backend?: string;
  resume?: string;
  verbose?: boolean;
}

async function latestCheckpoint(dir: string): Promise<string> {
  const index = await readFile(join(dir, 'checkpoints', 'index.jsonl'), 'utf8').catch(() => '');
  const last = index.trim().split('\n').filter(Boolean).at(-1);
  if (!last) throw new Error(`no checkpoints in ${join(dir, 'checkpoints')} to resume from`);
  return join(dir, 'checkpoints', (JSON.parse(last) as { file: string }).file);
}

function progressLine(info: StepInfo): string {
  const losses = info.losses.map((l) => (l.block === null ? l.value.toFixed(4) : `b${l.block} ${l.value.toFixed(4)}`)).join('  ');
  const rate = info.step / Math.max(info.elapsedS, 1e-9);
  const eta = (info.totalSteps - info.step) / Math.max(rate, 1e-9);
  return `step ${info.step}/${info.totalSteps}  loss ${losses}  lr ${info.lr.toExponential(2)}  ${rate.toFixed(2)} steps/s  eta ${Math.round(eta)}s`;
}

async function main(opts: CliOptions): Promise<number> {
  const raw = JSON.parse(await readFile(opts.config, 'utf8')) as Record<string, unknown>;
  if (opts.backend) raw.backend = opts.backend;
  const config = resolveRunConfig(raw);
  const log = pino({ level: opts.verbose ? 'info' : 'warn' }, pino.destination(2));
  const ckptDir = join(opts.out, 'checkpoints');
  await mkdir(ckptDir, { recursive: true });
  await writeFile(join(opts.out, 'config.json'), JSON.stringify(config, null, 2) + '\n');
  const resumeFile = opts.resume === 'latest' ? await latestCheckpoint(opts.out) : opts.resume;
  const resumeFrom = resumeFile ? new Uint8Array(await readFile(resumeFile)) : undefined;

  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  const tty = process.stderr.isTTY;
  let lastPrint = 0;
  try {
    const summary = await train(config, {
      log,
      resumeFrom,
      signal: controller.signal,
      onStep: (info) => {
        const now = Date.now();
        if (tty) process.stderr.write(`\r${progressLine(info)}\x1b[K`);
        else if (now - lastPrint > 5000 || info.step === info.totalSteps) process.stderr.write(`${progressLine(info)}\n`);
        lastPrint = now;
      },
      onMetrics: (points) => appendFile(join(opts.out, 'metrics.jsonl'), points.map((p) => JSON.stringify(p)).join('\n') + '\n'),
      onCheckpoint: async ({ step, bytes, sha256 }) => {
        const file = `step-${String(step).padStart(7, '0')}.ckpt`;
        await writeFile(join(ckptDir, file), bytes);
        await appendFile(join(ckptDir, 'index.jsonl'), JSON.stringify({ step, sha256, file }) + '\n');
      },
    });
    if (tty) process.stderr.write('\n');
    await writeFile(join(opts.out, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
    process.stderr.write(
      `${summary.aborted ? 'stopped' : 'done'}: ${summary.steps}/${summary.totalSteps} steps on ${summary.backend.name} ` +
        `(${summary.backend.kernels}) in ${summary.wallTimeS.toFixed(1)}s; final loss ${summary.finalLosses.map((l) => `${l.block ?? 'e2e'}=${l.value.toFixed(4)}`).join(' ')}\n`,
    );
    return summary.aborted ? 130 : 0;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

const program = new Command()
  .name('stratum-train')
  .description('Train a video masked autoencoder end-to-end or blockwise, writing metrics and checkpoints to a folder')
  .requiredOption('-c, --config <file>', 'run config JSON (see @stratum/run-config)')
  .requiredOption('-o, --out <dir>', 'output folder')
  .option('-b, --backend <name>', `override the config's backend (${BACKEND_CHOICES.join(' | ')})`)
  .option('-r, --resume <checkpoint>', "resume from a checkpoint file, or 'latest' in --out")
  .option('-v, --verbose', 'log backend selection and progress details (JSON to stderr)')
  .action(async (opts: CliOptions) => {
    try {
      process.exitCode = await main(opts);
    } catch (e) {
      process.stderr.write(`stratum-train: ${e instanceof ConfigError || e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    }
  });

await program.parseAsync(process.argv);
