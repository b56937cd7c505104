/**
 * Fails when a committed `actions/<name>/dist/` (or the command line's `packages/cli/dist/`) differs from
 * a fresh build of its sources: the runner executes dist/, and `npx db-migration-toolkit` runs the CLI's,
 * so a stale bundle would ship code nobody reviewed. Each is bundled into a temporary folder with the
 * same ncc command as `npm run build`, then compared file by file.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');
const ncc = join(root, 'node_modules', '.bin', 'ncc');

function files(dir: string, base = dir): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name), base) : [relative(base, join(dir, entry.name))],
  );
}

/** Every bundled folder, relative to the root: each action, and the command line. */
const bundled = [
  ...readdirSync(join(root, 'actions'))
    .filter((name) => existsSync(join(root, 'actions', name, 'action.yml')))
    .map((name) => `actions/${name}`),
  'packages/cli',
];

let stale = 0;
for (const folder of bundled) {
  const dir = join(root, folder);
  const name = folder.split('/').at(-1) ?? folder;
  const fresh = mkdtempSync(join(tmpdir(), `check-dist-${name}-`));
  try {
    // One licence file per chunk ([name]): ncc writes the file once per chunk, so a fixed name would keep
    // only the last chunk's licences once an action loads part of its code lazily.
    execFileSync(ncc, ['build', 'src/index.ts', '-o', fresh, '--license', '[name].licenses.txt', '--quiet'], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const committed = join(dir, 'dist');
    const names = new Set([...files(fresh), ...files(committed)]);
    const differing = [...names].filter((file) => {
      const a = join(fresh, file);
      const b = join(committed, file);
      return !existsSync(a) || !existsSync(b) || !readFileSync(a).equals(readFileSync(b));
    });
    if (differing.length > 0) {
      stale++;
      console.error(`${folder}/dist is stale: ${differing.join(', ')} differ from a fresh build.`);
    } else {
      console.log(`${folder}/dist matches a fresh build (${names.size} files).`);
    }
  } finally {
    rmSync(fresh, { recursive: true, force: true });
  }
}
if (stale > 0) {
  console.error('Run `npm run build` and commit the result.');
  process.exit(1);
}
