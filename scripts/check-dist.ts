/**
 * Fails when a committed `actions/<name>/dist/` differs from a fresh build of its sources: the runner
 * executes dist/, so a stale bundle would ship code nobody reviewed. Each action is bundled into a
 * temporary folder with the same ncc command as `npm run build`, then compared file by file.
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

let stale = 0;
for (const name of readdirSync(join(root, 'actions'))) {
  const actionDir = join(root, 'actions', name);
  if (!existsSync(join(actionDir, 'action.yml'))) continue;
  const fresh = mkdtempSync(join(tmpdir(), `check-dist-${name}-`));
  try {
    // One licence file per chunk ([name]): ncc writes the file once per chunk, so a fixed name would keep
    // only the last chunk's licences once an action loads part of its code lazily.
    execFileSync(ncc, ['build', 'src/index.ts', '-o', fresh, '--license', '[name].licenses.txt', '--quiet'], {
      cwd: actionDir,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const committed = join(actionDir, 'dist');
    const names = new Set([...files(fresh), ...files(committed)]);
    const differing = [...names].filter((file) => {
      const a = join(fresh, file);
      const b = join(committed, file);
      return !existsSync(a) || !existsSync(b) || !readFileSync(a).equals(readFileSync(b));
    });
    if (differing.length > 0) {
      stale++;
      console.error(`actions/${name}/dist is stale: ${differing.join(', ')} differ from a fresh build.`);
    } else {
      console.log(`actions/${name}/dist matches a fresh build (${names.size} files).`);
    }
  } finally {
    rmSync(fresh, { recursive: true, force: true });
  }
}
if (stale > 0) {
  console.error('Run `npm run build` and commit the result.');
  process.exit(1);
}
