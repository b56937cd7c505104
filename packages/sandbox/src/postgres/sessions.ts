import type { ConnectionOptions } from 'node:tls';
import pg from 'pg';

/** The servers listen on loopback only. */
export const HOST = '127.0.0.1';

/** Who a helper session logs in as, and how. */
export interface Credentials {
  port: number;
  user: string;
  password: string;
  database: string;
  ssl: false | ConnectionOptions;
}

/** Runs `fn` on a fresh connection and closes it afterwards. */
export async function withClient<T>(
  credentials: Credentials,
  fn: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ host: HOST, ...credentials });
  // A server stopped under an open session emits 'error' on the client; without a listener
  // that would crash the process instead of failing the query in progress.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

const HBA_APPLY_TIMEOUT_MS = 5_000;

/**
 * pg_reload_conf() only signals the postmaster, which rereads pg_hba.conf a moment later: wait until
 * a plain-text login is refused (or accepted) before telling the caller the change is in force.
 */
export async function untilPlainText(
  expected: 'refused' | 'accepted',
  superuser: Credentials,
): Promise<void> {
  const deadline = Date.now() + HBA_APPLY_TIMEOUT_MS;
  for (;;) {
    let accepted = true;
    try {
      await withClient({ ...superuser, ssl: false }, async () => undefined);
    } catch (error) {
      if ((error as { code?: string }).code !== '28000') throw error; // 28000: rejected by pg_hba.conf
      accepted = false;
    }
    if (accepted === (expected === 'accepted')) return;
    if (Date.now() > deadline) {
      throw new Error(`the server did not apply pg_hba.conf within ${HBA_APPLY_TIMEOUT_MS} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
