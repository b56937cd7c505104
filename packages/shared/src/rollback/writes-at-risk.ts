import type pg from 'pg';
import { paginateScan, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AwsClients } from '../aws/clients.js';
import type { MigrationConfig } from '../config/types.js';
import { quoteIdent, withPostgres } from '../data/postgres/connection.js';
import type { SslMode } from '../data/ssl-mode.js';
import type { JsonObject, LedgerEvent } from '../ledger/event.js';
import { resolveDatabaseEndpoint } from '../resources/database-endpoint.js';

/** Scan segments counted side by side for the v2 table's item count. */
const COUNT_SEGMENTS = 4;

export interface TableAtRisk {
  table: string;
  /** v2's rows when parity was proved. */
  recorded?: number;
  /** v2's rows now. */
  now: number;
  /** Rows that v1 lacks after a rollback: by count, now − recorded; by timestamp, rows at or after the cutover. */
  written: number;
}

/**
 * What a rollback leaves behind on v2: rows and items written there since the cutover, which v1 never
 * received. By counts against the parity record (inserts minus deletes, blind to updates), or, when a
 * timestamp column is named, by the rows whose column is at or after the cutover's time.
 */
export interface WritesAtRisk {
  since: string;
  basis: 'counts' | 'timestamp-column';
  timestampColumn?: string;
  tables: TableAtRisk[];
  rows: number;
  items?: { recorded?: number; now: number; written: number };
  /** What could not be measured, said plainly. */
  notes: string[];
}

export interface WritesAtRiskOptions {
  config: MigrationConfig;
  clients: AwsClients;
  /** The parity record the counts are measured against. */
  parity?: LedgerEvent;
  since: Date;
  timestampColumn?: string;
  sslMode: SslMode;
  mask(secret: string): void;
}

export async function measureWritesAtRisk(options: WritesAtRiskOptions): Promise<WritesAtRisk> {
  const { config, clients, parity, since } = options;
  const notes: string[] = [];
  const postgres = (parity?.data['postgres'] ?? {}) as JsonObject;
  const recordedTables = (postgres['tables'] ?? {}) as Record<string, [number | null, number | null]>;
  const dynamodb = (parity?.data['dynamodb'] ?? {}) as JsonObject;
  if (!parity) notes.push('no parity is recorded, so counts have nothing to be compared with');

  const endpoint = await resolveDatabaseEndpoint({
    clients,
    config,
    side: 'v2',
    sslMode: options.sslMode,
    mask: options.mask,
  });
  const [tables, items] = await Promise.all([
    withPostgres(
      endpoint,
      async (client) => {
        // One snapshot, so that every table is counted at one moment.
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        try {
          const names = options.timestampColumn
            ? await tablesWithColumn(client, options.timestampColumn)
            : Object.keys(recordedTables);
          const out: TableAtRisk[] = [];
          for (const table of names) {
            const qualified = qualify(table);
            const count = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${qualified}`);
            const now = Number(count.rows[0]!.n);
            const recorded = recordedTables[table]?.[1] ?? undefined;
            let written: number;
            if (options.timestampColumn) {
              const newer = await client.query<{ n: string }>(
                `SELECT count(*) AS n FROM ${qualified} WHERE ${quoteIdent(options.timestampColumn)} >= $1`,
                [since],
              );
              written = Number(newer.rows[0]!.n);
            } else {
              written = recorded === undefined ? 0 : now - recorded;
            }
            out.push({ table, ...(recorded !== undefined ? { recorded } : {}), now, written });
          }
          return out;
        } finally {
          await client.query('COMMIT').catch(() => undefined);
        }
      },
      'writes at risk',
    ),
    countItems(clients.dynamodb(config.regions.primary), config.v2.table),
  ]);
  const recordedItems = typeof dynamodb['v2Items'] === 'number' ? dynamodb['v2Items'] : undefined;
  if (options.timestampColumn && tables.length === 0) {
    notes.push(`no table of v2 has a column named ${options.timestampColumn}`);
  }
  return {
    since: since.toISOString(),
    basis: options.timestampColumn ? 'timestamp-column' : 'counts',
    ...(options.timestampColumn ? { timestampColumn: options.timestampColumn } : {}),
    tables,
    rows: tables.reduce((sum, t) => sum + Math.max(0, t.written), 0),
    items: {
      ...(recordedItems !== undefined ? { recorded: recordedItems } : {}),
      now: items,
      written: recordedItems === undefined ? 0 : items - recordedItems,
    },
    notes,
  };
}

/** `schema.table` names as the parity records them, quoted for SQL. */
function qualify(table: string): string {
  const dot = table.indexOf('.');
  return `${quoteIdent(table.slice(0, dot))}.${quoteIdent(table.slice(dot + 1))}`;
}

async function tablesWithColumn(client: pg.Client, column: string): Promise<string[]> {
  const result = await client.query<{ name: string }>(
    `SELECT c.table_schema || '.' || c.table_name AS name
       FROM information_schema.columns c
       JOIN information_schema.tables t USING (table_schema, table_name)
      WHERE c.column_name = $1 AND t.table_type = 'BASE TABLE'
        AND c.table_schema NOT IN ('pg_catalog', 'information_schema')
      ORDER BY 1`,
    [column],
  );
  return result.rows.map((r) => r.name);
}

/** The table's items by Scan COUNT (ItemCount lags by hours), segments side by side. */
async function countItems(client: DynamoDBClient, table: string): Promise<number> {
  const counts = await Promise.all(
    Array.from({ length: COUNT_SEGMENTS }, async (_, segment) => {
      let n = 0;
      const pages = paginateScan(
        { client },
        { TableName: table, Select: 'COUNT', Segment: segment, TotalSegments: COUNT_SEGMENTS },
      );
      for await (const page of pages) n += page.Count ?? 0;
      return n;
    }),
  );
  return counts.reduce((a, b) => a + b, 0);
}
