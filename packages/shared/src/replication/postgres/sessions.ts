import type pg from 'pg';

/*
 * The `overlap` cutover stops replication only once no application session is left on v1: until then an
 * instance not yet refreshed may still commit there, and its write reaches v2 only through the stream.
 * Sessions of the toolkit itself (application_name `db-migration-toolkit …`) and walsenders are not the
 * application.
 */

export interface ApplicationSession {
  pid: number;
  user: string;
  applicationName: string;
  clientAddress: string | null;
  state: string | null;
}

export async function applicationSessions(v1: pg.Client): Promise<ApplicationSession[]> {
  const { rows } = await v1.query<{
    pid: number;
    usename: string;
    application_name: string | null;
    client_addr: string | null;
    state: string | null;
  }>(
    `SELECT pid, usename, application_name, host(client_addr) AS client_addr, state
       FROM pg_catalog.pg_stat_activity
      WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_catalog.pg_backend_pid()
        AND coalesce(application_name, '') NOT LIKE 'db-migration-toolkit%'
      ORDER BY pid`,
  );
  return rows.map((r) => ({
    pid: r.pid,
    user: r.usename,
    applicationName: r.application_name ?? '',
    clientAddress: r.client_addr,
    state: r.state,
  }));
}

export function describeSessions(sessions: readonly ApplicationSession[]): string {
  const shown = sessions
    .slice(0, 5)
    .map(
      (s) =>
        `pid ${s.pid} (${s.user}${s.applicationName ? `, ${s.applicationName}` : ''}${s.clientAddress ? ` from ${s.clientAddress}` : ''})`,
    );
  return shown.join(', ') + (sessions.length > 5 ? ` and ${sessions.length - 5} more` : '');
}
