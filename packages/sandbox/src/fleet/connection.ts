import pg from 'pg';
import type { DatabaseTarget } from './settings.js';

/** A connection attempt gives up after this long (a host that drops packets would hang otherwise). */
const CONNECT_TIMEOUT_MS = 5_000;

/**
 * One application connection, opened as the application's driver does with `sslmode=prefer`: TLS
 * without verifying the certificate (the lab's servers use a throwaway CA the application does not
 * know), and plain text when the server offers no TLS (a server given by URL may not). The lab's
 * servers allow both; TLS also passes a server that requires it (`setTlsRequired`). `onLost` is called
 * once if the server closes the connection or the connection fails later.
 */
export async function openConnection(
  target: DatabaseTarget,
  applicationName: string,
  onLost: (client: pg.Client, reason: string) => void,
): Promise<pg.Client> {
  try {
    return await connect(target, applicationName, { rejectUnauthorized: false }, onLost);
  } catch (error) {
    if (!/does not support SSL/i.test(messageOf(error))) throw error;
    return connect(target, applicationName, false, onLost);
  }
}

async function connect(
  target: DatabaseTarget,
  applicationName: string,
  ssl: pg.ClientConfig['ssl'],
  onLost: (client: pg.Client, reason: string) => void,
): Promise<pg.Client> {
  const client = new pg.Client({
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    database: target.database,
    application_name: applicationName,
    ssl,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  });
  let connected = false;
  let lost = false;
  const lose = (reason: string) => {
    if (!connected || lost) return;
    lost = true;
    onLost(client, reason);
  };
  // Without an 'error' listener a server going away would crash the process.
  client.on('error', (error) => lose(messageOf(error)));
  client.on('end', () => lose('the server closed the connection'));
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  connected = true;
  return client;
}

/** Closes a connection, as an instance does when it is terminated; marks it ended first, so it is not "lost". */
export async function closeConnection(client: pg.Client): Promise<void> {
  client.removeAllListeners('end');
  client.removeAllListeners('error');
  client.on('error', () => undefined);
  await client.end().catch(() => undefined);
}

export function messageOf(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return messageOf(error.errors[0]);
  return error instanceof Error ? error.message || error.name : String(error);
}
