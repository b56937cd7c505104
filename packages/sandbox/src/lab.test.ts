import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { DescribeDBClustersCommand, RDSClient } from '@aws-sdk/client-rds';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { startLab, type Lab } from './lab.js';
import { freePort, startPostgres, type PostgresServer } from './postgres/index.js';
import { acceptsConnections, sandboxClient } from './test-support.js';

/*
 * Rehearsing on one's own data: a PostgreSQL server the user runs, given by URL, stands in for v1. Here
 * that server is one this test starts itself, with a user and database name of its own, and a marker
 * table standing for the data the lab must never touch.
 */
const PASSWORD = 'own p@ss:w/rd%';

let mine: PostgresServer;

async function tablesOf(server: PostgresServer): Promise<string[]> {
  return server.session(async (client) => {
    const { rows } = await client.query<{ t: string }>(
      `SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`,
    );
    return rows.map((r) => r.t);
  });
}

beforeAll(async () => {
  mine = await startPostgres({
    name: `own-v1-${process.pid}`,
    user: 'rehearsal_user',
    database: 'prod_copy',
    password: PASSWORD,
  });
  await mine.session((client) =>
    client.query(
      `CREATE TABLE marker (id int PRIMARY KEY, note text); INSERT INTO marker VALUES (1, 'keep me')`,
    ),
  );
});

afterAll(async () => {
  await mine?.stop();
});

describe('startLab({ databaseUrls })', () => {
  let lab: Lab | undefined;

  afterAll(async () => {
    await lab?.stop();
  });

  test('points v1 at the server given by URL, seeds nothing into it and leaves it running; v2 runs PostgreSQL 17', async () => {
    lab = await startLab({ databaseUrls: { v1: mine.connectionString() }, majors: { v2: 17 } });
    const { v1, v2 } = lab.databases;
    expect(v1).toMatchObject({
      external: true,
      host: '127.0.0.1',
      port: mine.port,
      user: 'rehearsal_user',
      database: 'prod_copy',
      major: 15,
      tls: undefined,
    });
    expect(v1.redactedUrl()).toBe(`postgresql://rehearsal_user:***@127.0.0.1:${mine.port}/prod_copy`);
    expect(v2).toMatchObject({ external: false, major: 17 });

    // The v1 clusters, secret and parameter describe the user's server.
    const { config, sandbox } = lab;
    const rds = sandboxClient(RDSClient, sandbox, config.regions.primary);
    const rdsDr = sandboxClient(RDSClient, sandbox, config.regions.dr);
    const secrets = sandboxClient(SecretsManagerClient, sandbox, config.regions.primary);
    const ssm = sandboxClient(SSMClient, sandbox, config.regions.primary);
    try {
      const primary = (
        await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: config.v1.primaryCluster }))
      ).DBClusters![0]!;
      expect(primary).toMatchObject({
        Endpoint: '127.0.0.1',
        Port: mine.port,
        MasterUsername: 'rehearsal_user',
        DatabaseName: 'prod_copy',
      });
      const dr = (
        await rdsDr.send(new DescribeDBClustersCommand({ DBClusterIdentifier: config.v1.drCluster }))
      ).DBClusters![0]!;
      expect(dr).toMatchObject({ Endpoint: '127.0.0.1', Port: mine.port });
      // Another user than the config's: the secret is the JSON document that names it.
      const v1Secret = await secrets.send(new GetSecretValueCommand({ SecretId: config.v1.secret }));
      expect(JSON.parse(v1Secret.SecretString!)).toEqual({ username: 'rehearsal_user', password: PASSWORD });
      const v2Secret = await secrets.send(new GetSecretValueCommand({ SecretId: config.v2.secret }));
      expect(v2Secret.SecretString).toBe(v2.password);
      const endpoint = await ssm.send(
        new GetParameterCommand({ Name: config.parameters.endpoint, WithDecryption: true }),
      );
      expect(endpoint.Parameter?.Value).toBe(`127.0.0.1:${mine.port}`);
    } finally {
      for (const client of [rds, rdsDr, secrets, ssm]) client.destroy();
    }

    // Nothing seeded, nothing dropped, by the guide world or by payments-world.
    expect(await tablesOf(mine)).toEqual(['marker']);
    await lab.load('payments-world');
    expect(await tablesOf(mine)).toEqual(['marker']);
    expect(await tablesOf(v2)).toEqual([]);
    // The sessions table lives in the sandbox: payments-world seeds it whatever the database.
    const dynamodb = sandboxClient(DynamoDBClient, sandbox, config.regions.primary);
    try {
      const { Count } = await dynamodb.send(new ScanCommand({ TableName: config.v1.table, Select: 'COUNT' }));
      expect(Count).toBeGreaterThan(0);
    } finally {
      dynamodb.destroy();
    }

    // The lab's handle refuses to change it: no superuser session, no TLS switch, a read-only session.
    await expect(v1.admin(async () => undefined)).rejects.toThrow(
      /admin\(\) refused: the v1 database postgresql:\/\/rehearsal_user:\*\*\*@127\.0\.0\.1:\d+\/prod_copy was given by --v1-database-url, and the sandbox never changes a database given that way/,
    );
    await expect(v1.setTlsRequired(true)).rejects.toThrow(/setTlsRequired\(\) refused/);
    await expect(v1.session((client) => client.query('DROP TABLE marker'))).rejects.toMatchObject({
      code: '25006', // read_only_sql_transaction
    });
    expect(await v1.session(async (client) => (await client.query('SELECT note FROM marker')).rows)).toEqual([
      { note: 'keep me' },
    ]);

    const v2Port = v2.port;
    await lab.stop();
    lab = undefined;
    expect(await acceptsConnections(mine.port)).toBe(true);
    expect(await acceptsConnections(v2Port)).toBe(false);
    expect(await tablesOf(mine)).toEqual(['marker']);
  }, 120_000);

  test('refuses a bad URL, the same database twice, and a server that does not answer, never showing the password', async () => {
    const scheme = (await startLab({ databaseUrls: { v2: 'mysql://u:hunter2@h/db' } }).catch(
      (e: unknown) => e,
    )) as Error;
    expect(scheme.message).toMatch(/^--v2-database-url must start with postgres:\/\/ or postgresql:\/\//);
    expect(scheme.message).not.toContain('hunter2');
    await expect(startLab({ databaseUrls: { v1: 'postgresql://u@h/db' } })).rejects.toThrow(
      /^--v1-database-url has no password/,
    );
    const url = mine.connectionString();
    await expect(
      startLab({ databaseUrls: { v1: url, v2: url.replace('127.0.0.1', 'localhost') } }),
    ).rejects.toThrow(
      /--v1-database-url and --v2-database-url name the same database \(localhost:\d+\/prod_copy\)/,
    );

    const closed = await freePort('127.0.0.1');
    const unreachable = `postgresql://rehearsal_user:${encodeURIComponent(PASSWORD)}@127.0.0.1:${closed}/prod_copy`;
    const error = (await startLab({ databaseUrls: { v2: unreachable } }).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(
      new RegExp(
        `^--v2-database-url: cannot connect to postgresql://rehearsal_user:\\*\\*\\*@127\\.0\\.0\\.1:${closed}/prod_copy: `,
      ),
    );
    const wrongPassword = mine.connectionString().replace(encodeURIComponent(PASSWORD), 'not-the-password');
    const refused = (await startLab({ databaseUrls: { v1: wrongPassword } }).catch(
      (e: unknown) => e,
    )) as Error;
    expect(refused.message).toMatch(/^--v1-database-url: cannot connect to .*password authentication failed/);
    for (const message of [error.message, refused.message]) {
      expect(message).not.toContain(PASSWORD);
      expect(message).not.toContain(encodeURIComponent(PASSWORD));
      expect(message).not.toContain('not-the-password');
    }
  }, 60_000);
});
