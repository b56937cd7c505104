import type { AwsClients } from '../aws/clients.js';
import type { MigrationConfig } from '../config/types.js';
import { listTables } from '../data/postgres/catalog.js';
import { withPostgres, type PostgresEndpoint } from '../data/postgres/connection.js';
import { tablesWithRows } from '../data/postgres/copy/target-state.js';
import type { SslMode } from '../data/ssl-mode.js';
import { resolveDatabaseEndpoint } from '../resources/database-endpoint.js';
import { describeTable } from '../resources/dynamodb-table.js';

/*
 * What migrate-data would copy and how big it is, read-only: v1's PostgreSQL tables with the catalog's
 * row estimates and sizes (reached as migrate-data reaches them: the writer endpoint from RDS, the
 * password from the generation's secret, masked on reading), whether v2 already holds rows, and the
 * DynamoDB tables' item counts and sizes from DescribeTable. Each side is read on its own, so an
 * unreachable v2 still leaves v1's figures in the preview.
 */

export interface DataPreview {
  postgres:
    | {
        tables: { name: string; rows: number; bytes: number }[];
        /** v2's tables that already hold rows; empty when v2 is empty. */
        v2WithRows: string[] | { problem: string };
      }
    | { problem: string };
  dynamodb: {
    v1: TableFigures | { problem: string };
    v2: TableFigures | { problem: string };
  };
}

export interface TableFigures {
  name: string;
  status: string;
  /** DescribeTable's ItemCount and TableSizeBytes (DynamoDB refreshes them about every six hours). */
  items: number;
  bytes: number;
}

export async function previewData(
  config: MigrationConfig,
  clients: AwsClients,
  options: { sslMode: SslMode; mask(secret: string): void },
): Promise<DataPreview> {
  const endpoint = (side: 'v1' | 'v2') =>
    resolveDatabaseEndpoint({ clients, config, side, sslMode: options.sslMode, mask: options.mask });
  const [postgres, v1, v2] = await Promise.all([
    previewPostgres(endpoint),
    tableFigures(clients, config, config.v1.table),
    tableFigures(clients, config, config.v2.table),
  ]);
  return { postgres, dynamodb: { v1, v2 } };
}

async function previewPostgres(
  endpoint: (side: 'v1' | 'v2') => Promise<PostgresEndpoint>,
): Promise<DataPreview['postgres']> {
  let tables: { name: string; rows: number; bytes: number }[];
  try {
    const listed = await withPostgres(await endpoint('v1'), listTables, 'preview');
    tables = listed.map((t) => ({
      name: `${t.schema}.${t.name}`,
      rows: Math.max(0, Math.round(t.estimatedRows)),
      bytes: t.estimatedBytes,
    }));
  } catch (error) {
    return { problem: `v1: ${(error as Error).message}` };
  }
  let v2WithRows: string[] | { problem: string };
  try {
    v2WithRows = await withPostgres(
      await endpoint('v2'),
      async (client) => tablesWithRows(client, await listTables(client)),
      'preview',
    );
  } catch (error) {
    v2WithRows = { problem: `v2: ${(error as Error).message}` };
  }
  return { tables, v2WithRows };
}

async function tableFigures(
  clients: AwsClients,
  config: MigrationConfig,
  name: string,
): Promise<TableFigures | { problem: string }> {
  const region = config.regions.primary;
  try {
    const table = await describeTable(clients.dynamodb(region), name);
    if (!table) return { problem: `the table ${name} does not exist in ${region}` };
    return {
      name,
      status: table.TableStatus ?? 'unknown',
      items: table.ItemCount ?? 0,
      bytes: table.TableSizeBytes ?? 0,
    };
  } catch (error) {
    return { problem: `${name} in ${region}: ${(error as Error).message}` };
  }
}
