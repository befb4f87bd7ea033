// No Docker engine runs on these machines, so the Docker files are linted rather than built:
// structural rules for every Dockerfile, consistency with the workspaces and npm scripts they
// call, and `docker-compose config` (needs no engine) when the tool is installed.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';

const root = path.resolve(import.meta.dirname, '..', '..');
const dockerDir = path.join(root, 'docker');
const dockerfiles = fs.readdirSync(dockerDir).filter((f) => f.endsWith('.Dockerfile'));

interface Instruction { op: string; args: string; line: number }

/** Dockerfile → instructions, joining continuation lines and dropping comments. */
function parse(file: string): Instruction[] {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const out: Instruction[] = [];
  let buffer = '';
  let start = 0;
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (!buffer && (line === '' || line.startsWith('#'))) return;
    if (!buffer) start = index + 1;
    buffer += (buffer ? ' ' : '') + line.replace(/\\$/, '').trim();
    if (!line.endsWith('\\')) {
      const [op = '', ...rest] = buffer.split(/\s+/);
      out.push({ op: op.toUpperCase(), args: rest.join(' '), line: start });
      buffer = '';
    }
  });
  return out;
}

function workspaceNames(): Set<string> {
  const names = new Set<string>();
  for (const dir of ['apps', 'packages']) {
    for (const entry of fs.readdirSync(path.join(root, dir))) {
      const pkg = path.join(root, dir, entry, 'package.json');
      if (fs.existsSync(pkg)) names.add(JSON.parse(fs.readFileSync(pkg, 'utf8')).name);
    }
  }
  return names;
}

describe('Dockerfiles', () => {
  it('exist for the api, the web dashboard and the three agents (CUDA, WebGPU, CPU)', () => {
    expect(dockerfiles.sort()).toEqual(['agent-cpu.Dockerfile', 'agent-webgpu.Dockerfile', 'agent.Dockerfile', 'api.Dockerfile', 'web.Dockerfile']);
  });

  for (const name of dockerfiles) {
    describe(name, () => {
      const instructions = parse(path.join(dockerDir, name));
      const stages = instructions.filter((i) => i.op === 'FROM');
      const lastStageAt = instructions.lastIndexOf(stages[stages.length - 1]!);
      const finalStage = instructions.slice(lastStageAt);
      const args = new Map(instructions.filter((i) => i.op === 'ARG').map((i) => i.args.split('=') as [string, string]));

      it('is multi-stage with pinned base images', () => {
        expect(stages.length).toBeGreaterThanOrEqual(2);
        for (const stage of stages) {
          const image = stage.args.split(/\s+/)[0]!.replace(/^\$\{(\w+)\}$/, (_, v: string) => args.get(v) ?? '');
          expect(image, `line ${stage.line}`).toMatch(/:[\w.-]+$/);
          expect(image, `line ${stage.line}`).not.toMatch(/:latest$/);
        }
      });

      it('runs as a non-root user with a health check and an exec-form command', () => {
        const user = finalStage.filter((i) => i.op === 'USER').pop();
        expect(user, 'final stage needs USER').toBeDefined();
        expect(user!.args).not.toMatch(/^(root|0)(:|$)/);
        expect(finalStage.some((i) => i.op === 'HEALTHCHECK')).toBe(true);
        const command = finalStage.filter((i) => i.op === 'CMD' || i.op === 'ENTRYPOINT').pop();
        expect(command?.args.startsWith('['), 'CMD/ENTRYPOINT in JSON form').toBe(true);
      });

      it('never ADDs remote URLs and only COPYs paths that exist in the repository', () => {
        for (const i of instructions) {
          if (i.op === 'ADD') expect(i.args, `line ${i.line}`).not.toMatch(/https?:\/\//);
          if (i.op !== 'COPY' || i.args.includes('--from=')) continue;
          const parts = i.args.split(/\s+/).filter((p) => !p.startsWith('--'));
          for (const source of parts.slice(0, -1)) {
            if (source === '.') continue;
            expect(fs.existsSync(path.join(root, source)), `${name}:${i.line} copies ${source}`).toBe(true);
          }
        }
      });

      it('builds and runs workspaces and entry points that exist', () => {
        const names = workspaceNames();
        for (const i of instructions) {
          for (const match of i.args.matchAll(/(?:prune|--filter=)\s*(@stratum\/[\w-]+)/g)) {
            expect(names.has(match[1]!), `${name}:${i.line} names ${match[1]}`).toBe(true);
          }
        }
        const command = finalStage.filter((i) => i.op === 'CMD' || i.op === 'ENTRYPOINT').pop()!;
        const script = (JSON.parse(command.args) as string[]).find((a) => /\.js$/.test(a))!;
        // apps/<app>/dist/<file>.js must be what that app's package.json builds (bin or main).
        const [, kind, app] = script.match(/^(apps|packages)\/([\w-]+)\//) ?? [];
        const pkg = JSON.parse(fs.readFileSync(path.join(root, kind!, app!, 'package.json'), 'utf8'));
        const bins = Object.values(pkg.bin ?? {}) as string[];
        // A bin may be a committed shim that imports the compiled program (new URL('../dist/…')).
        const shimTargets = bins.flatMap((bin) => {
          const match = fs.readFileSync(path.join(root, kind!, app!, bin), 'utf8').match(/new URL\('\.\.\/(dist\/[^']+)'/);
          return match ? [match[1]!] : [];
        });
        const entries = [...bins, ...shimTargets, pkg.main].filter(Boolean).map((p) => path.join(kind!, app!, p as string));
        if (app === 'web') expect(script).toBe('apps/web/server.js'); // Next's standalone server
        else expect(entries.map((e) => path.normalize(e))).toContain(path.normalize(script));
      });
    });
  }
});

describe('compose', () => {
  const file = path.join(dockerDir, 'compose.yaml');
  const compose = YAML.parse(fs.readFileSync(file, 'utf8')) as { services: Record<string, { build?: { dockerfile: string }; image?: string; environment?: Record<string, string>; healthcheck?: unknown; depends_on?: Record<string, { condition: string }> }> };

  it('has PostgreSQL 16 with a healthcheck and a volume, the api, web and a CPU agent', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['agent-cpu', 'api', 'postgres', 'web']);
    expect(compose.services.postgres?.image).toMatch(/^postgres:16/);
    expect(compose.services.postgres?.healthcheck).toBeDefined();
    expect(compose.services.api?.depends_on?.postgres?.condition).toBe('service_healthy');
  });

  it('builds from Dockerfiles that exist and sets only variables the API knows', () => {
    for (const service of Object.values(compose.services)) {
      if (service.build) expect(fs.existsSync(path.join(root, service.build.dockerfile))).toBe(true);
    }
    const apiEnv = fs.readFileSync(path.join(root, 'apps/api/src/env.ts'), 'utf8');
    for (const variable of Object.keys(compose.services.api?.environment ?? {})) {
      expect(apiEnv, `apps/api/src/env.ts declares ${variable}`).toContain(`${variable}:`);
    }
  });

  it('ships no default TOKEN_PEPPER: the variable is required, with a message saying how to make one', () => {
    const pepper = compose.services.api?.environment?.TOKEN_PEPPER ?? '';
    expect(pepper).toMatch(/^\$\{TOKEN_PEPPER:\?.*\S.*\}$/);
    expect(pepper).not.toMatch(/:-/);
  });

  it('gives the dashboard no API token of its own and requires its SESSION_SECRET, setting only variables it knows', () => {
    const webEnv = compose.services.web?.environment ?? {};
    expect(Object.keys(webEnv)).not.toContain('STRATUM_API_TOKEN');
    expect(webEnv.SESSION_SECRET ?? '').toMatch(/^\$\{SESSION_SECRET:\?.*\S.*\}$/);
    const webConfig = fs.readFileSync(path.join(root, 'apps/web/src/lib/env.ts'), 'utf8');
    for (const variable of Object.keys(webEnv)) expect(webConfig, `apps/web/src/lib/env.ts declares ${variable}`).toContain(`${variable}:`);
  });

  const hasTool = spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0;
  it.skipIf(!hasTool)('passes docker-compose config (schema validation, no engine needed)', () => {
    execFileSync('docker-compose', ['-f', file, 'config', '-q'], { env: { ...process.env, SESSION_SECRET: 'a-long-random-session-secret-for-the-test', STRATUM_AGENT_TOKEN: 'y', TOKEN_PEPPER: 'a-long-random-secret-for-the-test' } });
    const { TOKEN_PEPPER: _unset, ...withoutPepper } = process.env;
    const missing = spawnSync('docker-compose', ['-f', file, 'config', '-q'], { env: { ...withoutPepper, SESSION_SECRET: 'a-long-random-session-secret-for-the-test', STRATUM_AGENT_TOKEN: 'y' }, encoding: 'utf8' });
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toMatch(/TOKEN_PEPPER/);
  });
});
