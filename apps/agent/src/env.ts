// The agent's configuration: every flag, each also readable from an environment variable, validated
// once at start-up (flag > environment > default). Nothing else in the agent reads process.env
// (worker processes inherit the environment the CLI hands to the daemon).
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { z } from 'zod';
import { BACKEND_CHOICES, type BackendChoice as TrainerBackendChoice } from '@stratum/run-config';

export const BACKENDS = BACKEND_CHOICES;
export type BackendChoice = TrainerBackendChoice;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** `0,1` → GPU ordinals; `cpu` → one CPU slot; unset → whatever the host has (nvidia-smi). */
export type DeviceSelection = { kind: 'auto' } | { kind: 'cpu' } | { kind: 'gpu'; ids: number[] };

export interface AgentConfig {
  /** Base URL of the API, without /graphql. */
  api: string;
  token: string;
  name: string;
  devices: DeviceSelection;
  backend: BackendChoice;
  /** Concurrent jobs; null: one per device. */
  maxJobs: number | null;
  workDir: string;
  labels: Record<string, string>;
  once: boolean;
  logLevel: (typeof LOG_LEVELS)[number];
  /** Empty-queue polling: jittered exponential backoff between these bounds. */
  pollMinMs: number;
  pollMaxMs: number;
  /** A metrics batch is cut at this many points or after this long, whichever comes first. */
  batchPoints: number;
  batchMs: number;
  /** System metrics sampling period for running jobs (0: off). */
  systemMetricsMs: number;
  /** SIGTERM/SIGINT: how long running jobs get to checkpoint before they are killed. */
  drainTimeoutMs: number;
  /** Cancel / lost lease: SIGTERM to the worker, SIGKILL after this long. */
  killGraceMs: number;
}

/** The file holding the token (argv is visible to every user in `ps`; a file can be mode 0600). */
const TOKEN_FILE_ENV = 'STRATUM_TOKEN_FILE';

/** The token from --token-file / STRATUM_TOKEN_FILE, read and trimmed; undefined when neither is set. */
function tokenFromFile(flag: unknown, env: Record<string, string | undefined>, tokenGiven: boolean): string | undefined {
  const file = (typeof flag === 'string' && flag) || env[TOKEN_FILE_ENV] || undefined;
  if (file === undefined) return undefined;
  const where = `--token-file (${TOKEN_FILE_ENV})`;
  if (tokenGiven) throw new AgentConfigError(`invalid agent configuration:\n  - ${where}: give the token once: --token / STRATUM_TOKEN or --token-file / STRATUM_TOKEN_FILE`);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new AgentConfigError(`invalid agent configuration:\n  - ${where}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const token = text.trim();
  if (!token) throw new AgentConfigError(`invalid agent configuration:\n  - ${where}: ${file} is empty`);
  return token;
}

/** Flag name → environment variable. */
export const ENV_NAMES = {
  api: 'STRATUM_URL',
  token: 'STRATUM_TOKEN',
  name: 'STRATUM_AGENT_NAME',
  devices: 'STRATUM_DEVICES',
  backend: 'STRATUM_BACKEND',
  maxJobs: 'STRATUM_MAX_JOBS',
  workDir: 'STRATUM_WORK_DIR',
  labels: 'STRATUM_LABELS',
  once: 'STRATUM_ONCE',
  logLevel: 'STRATUM_LOG_LEVEL',
  pollMinMs: 'STRATUM_POLL_MIN_MS',
  pollMaxMs: 'STRATUM_POLL_MAX_MS',
  batchPoints: 'STRATUM_BATCH_POINTS',
  batchMs: 'STRATUM_BATCH_MS',
  systemMetricsMs: 'STRATUM_SYSTEM_METRICS_MS',
  drainTimeoutMs: 'STRATUM_DRAIN_TIMEOUT_MS',
  killGraceMs: 'STRATUM_KILL_GRACE_MS',
} as const satisfies Record<keyof AgentConfig, string>;

export class AgentConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AgentConfigError';
  }
}

const bool = z
  .union([z.boolean(), z.enum(['1', '0', 'true', 'false', 'yes', 'no'])])
  .transform((v) => v === true || v === '1' || v === 'true' || v === 'yes');

const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max);

const devices = z.string().transform((value, ctx): DeviceSelection => {
  const text = value.trim().toLowerCase();
  if (text === '' || text === 'auto') return { kind: 'auto' };
  if (text === 'cpu') return { kind: 'cpu' };
  const parts = text.split(',').map((p) => p.trim());
  const ids = parts.map(Number);
  if (parts.some((p) => !/^\d+$/.test(p))) {
    ctx.addIssue({ code: 'custom', message: `expected "cpu", "auto" or GPU ordinals such as "0,1", not "${value}"` });
    return z.NEVER;
  }
  if (new Set(ids).size !== ids.length) {
    ctx.addIssue({ code: 'custom', message: `GPU ordinal listed twice in "${value}"` });
    return z.NEVER;
  }
  return { kind: 'gpu', ids };
});

const labels = z.array(z.string()).transform((entries, ctx) => {
  const out: Record<string, string> = {};
  for (const entry of entries.flatMap((e) => e.split(',')).map((e) => e.trim()).filter(Boolean)) {
    const eq = entry.indexOf('=');
    const key = eq > 0 ? entry.slice(0, eq).trim() : '';
    if (!key || !/^[A-Za-z0-9_./-]+$/.test(key)) {
      ctx.addIssue({ code: 'custom', message: `expected key=value (key of letters, digits, _ . - /), not "${entry}"` });
      return z.NEVER;
    }
    out[key] = entry.slice(eq + 1).trim();
  }
  return out;
});

const schema = z
  .object({
    api: z
      .string({ error: (issue) => (issue.input === undefined ? 'required: --api URL or STRATUM_URL' : undefined) })
      .regex(/^https?:\/\/[^\s/]+/, 'must be an http(s) URL such as http://stratum:4000')
      .transform((u) => u.replace(/\/+$/, '').replace(/\/graphql$/, '')),
    token: z.string({ error: (issue) => (issue.input === undefined ? 'required: STRATUM_TOKEN, --token-file PATH / STRATUM_TOKEN_FILE, or --token T (an AGENT token)' : undefined) }).min(1),
    name: z.string().regex(/^[A-Za-z0-9_.@:-]{1,100}$/, 'letters, digits and _ . @ : - only (at most 100)').optional(),
    devices: devices.default({ kind: 'auto' }),
    backend: z.enum(BACKENDS).default('auto'),
    maxJobs: int(1, 64).optional(),
    workDir: z.string().min(1).optional(),
    labels: labels.default({}),
    once: bool.default(false),
    logLevel: z.enum(LOG_LEVELS).default('info'),
    pollMinMs: int(10).default(1_000),
    pollMaxMs: int(10).default(30_000),
    batchPoints: int(1, 50_000).default(5_000),
    batchMs: int(1).default(1_000),
    systemMetricsMs: int(0).default(10_000),
    drainTimeoutMs: int(0).default(120_000),
    killGraceMs: int(0).default(3_000),
  })
  .refine((c) => c.pollMaxMs >= c.pollMinMs, { message: 'must be at least the minimum poll interval', path: ['pollMaxMs'] });

/** Default agent name: the host name plus a short hash of the work dir, so two agents on one
 * host with different work dirs never collide on registration. */
export function defaultAgentName(workDir: string): string {
  const host = os.hostname().replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 80) || 'host';
  return `${host}-${crypto.createHash('sha256').update(path.resolve(workDir)).digest('hex').slice(0, 6)}`;
}

function flagName(key: string): string {
  return '--' + key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
}

function program(): Command {
  const collect = (value: string, previous: string[] = []) => [...previous, value];
  return new Command('stratum-agent')
    .description('Stratum agent: claims training and comparison jobs from the API, runs them, reports results.')
    .option('--api <url>', `API base URL (${ENV_NAMES.api})`)
    .option('--token <token>', `AGENT token (${ENV_NAMES.token}); visible in ps, prefer --token-file`)
    .option('--token-file <path>', `file holding the AGENT token (${TOKEN_FILE_ENV})`)
    .option('--name <name>', `agent name, unique per agent (${ENV_NAMES.name}; default <hostname>-<work dir hash>)`)
    .option('--devices <list>', `GPU ordinals "0,1", "cpu" or "auto" (${ENV_NAMES.devices}; default auto)`)
    .option('--backend <backend>', `${BACKENDS.join(' | ')} (${ENV_NAMES.backend}; default auto)`)
    .option('--max-jobs <n>', `concurrent jobs (${ENV_NAMES.maxJobs}; default one per device)`)
    .option('--work-dir <dir>', `spool, checkpoints and agent.alive (${ENV_NAMES.workDir}; default ~/.stratum/agent)`)
    .option('--labels <k=v>', `labels jobs can require, repeatable or comma-separated (${ENV_NAMES.labels})`, collect)
    .option('--once', `run one job, then exit (${ENV_NAMES.once})`)
    .option('--log-level <level>', `${LOG_LEVELS.join(' | ')} (${ENV_NAMES.logLevel}; default info)`)
    .option('--poll-min-ms <ms>', `shortest empty-queue poll interval (${ENV_NAMES.pollMinMs}; default 1000)`)
    .option('--poll-max-ms <ms>', `longest empty-queue poll interval (${ENV_NAMES.pollMaxMs}; default 30000)`)
    .option('--batch-points <n>', `metric points per batch at most (${ENV_NAMES.batchPoints}; default 5000)`)
    .option('--batch-ms <ms>', `metrics batch time window (${ENV_NAMES.batchMs}; default 1000)`)
    .option('--system-metrics-ms <ms>', `system metrics period, 0 = off (${ENV_NAMES.systemMetricsMs}; default 10000)`)
    .option('--drain-timeout-ms <ms>', `time jobs get to checkpoint on SIGTERM (${ENV_NAMES.drainTimeoutMs}; default 120000)`)
    .option('--kill-grace-ms <ms>', `SIGTERM → SIGKILL delay for cancelled jobs (${ENV_NAMES.killGraceMs}; default 3000)`)
    .helpOption('-h, --help')
    .allowExcessArguments(false);
}

/** The --help text (the CLI prints it). */
export function helpText(): string {
  return program().helpInformation();
}

/**
 * Parses argv (without node and script) and the environment into a validated config.
 * Throws AgentConfigError naming every problem; `--help` throws a CommanderError with code
 * 'commander.helpDisplayed' after writing the help to `out`.
 */
export function loadAgentConfig(argv: string[], env: Record<string, string | undefined> = process.env, out: (text: string) => void = () => undefined): AgentConfig {
  const cmd = program()
    .exitOverride()
    .configureOutput({ writeOut: out, writeErr: () => undefined });
  try {
    cmd.parse(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError && error.code === 'commander.helpDisplayed') throw error;
    if (error instanceof CommanderError) throw new AgentConfigError(error.message.replace(/^error: /, ''));
    throw error;
  }
  const flags = cmd.opts<Record<string, unknown>>();
  const raw: Record<string, unknown> = {};
  for (const [key, envName] of Object.entries(ENV_NAMES)) {
    const fromEnv = env[envName];
    const value = flags[key] ?? (fromEnv === undefined || fromEnv === '' ? undefined : fromEnv);
    if (value === undefined) continue;
    raw[key] = key === 'labels' && typeof value === 'string' ? [value] : value;
  }
  const fromFile = tokenFromFile(flags.tokenFile, env, raw.token !== undefined);
  if (fromFile !== undefined) raw.token = fromFile;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '');
      const where = key in ENV_NAMES ? `${flagName(key)} (${ENV_NAMES[key as keyof typeof ENV_NAMES]})` : key || 'config';
      return `${where}: ${issue.message}`;
    });
    throw new AgentConfigError(`invalid agent configuration:\n  - ${problems.join('\n  - ')}`);
  }
  const c = parsed.data;
  const workDir = path.resolve(c.workDir ?? path.join(os.homedir(), '.stratum', 'agent'));
  return {
    api: c.api,
    token: c.token,
    name: c.name ?? defaultAgentName(workDir),
    devices: c.devices,
    backend: c.backend,
    maxJobs: c.maxJobs ?? null,
    workDir,
    labels: c.labels,
    once: c.once,
    logLevel: c.logLevel,
    pollMinMs: c.pollMinMs,
    pollMaxMs: c.pollMaxMs,
    batchPoints: c.batchPoints,
    batchMs: c.batchMs,
    systemMetricsMs: c.systemMetricsMs,
    drainTimeoutMs: c.drainTimeoutMs,
    killGraceMs: c.killGraceMs,
  };
}
