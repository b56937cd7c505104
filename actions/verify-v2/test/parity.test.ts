import { PutItemCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { runAction, startLab, type Lab } from '@dbmig/sandbox';
import { labDynamoDb, ledgerTypes } from '../../migrate-data/test/run-migrate.js';
import { errorsOf, everythingPrinted, reportOf, runVerify } from './run-verify.js';

let lab: Lab;
beforeAll(async () => {
  lab = await startLab({ scenario: 'payments-world' });
});
afterAll(async () => {
  await lab?.stop();
});

async function migrate(): Promise<void> {
  const run = await runAction({
    actionDir: 'actions/migrate-data',
    inputs: { environment: 'dev', steps: 'postgres,dynamodb', 'allow-non-empty-target': 'true' },
    env: lab.env(),
    timeoutMs: 180_000,
  });
  if (run.exitCode !== 0) throw new Error(`migrate-data failed:\n${run.stdout}\n${run.stderr}`);
}

interface ParityOutput {
  postgres: { equal: boolean; tables: { table: string; status: string }[] };
  dynamodb: {
    equal: boolean;
    v1Items: number;
    v2Items: number;
    differences: { key: string; kind: string }[];
  };
}

describe('verify-v2 check: parity', () => {
  it('passes after a full copy, one row per table in the summary, and DynamoDB set order alone does not fail it', async () => {
    await migrate();
    // The same item written again with its set members and map keys in another order.
    const client = labDynamoDb(lab);
    try {
      const key = { session_id: { S: 'session-0000007' } };
      const { Item } = await client.send(new GetItemCommand({ TableName: lab.config.v2.table, Key: key }));
      expect(Item).toBeDefined();
      const reordered = Object.fromEntries(Object.entries(Item!).reverse());
      for (const value of Object.values(reordered)) {
        if (value.SS) value.SS.reverse();
        if (value.NS) value.NS.reverse();
      }
      await client.send(new PutItemCommand({ TableName: lab.config.v2.table, Item: reordered }));
    } finally {
      client.destroy();
    }

    const run = await runVerify(lab, { check: 'parity', 'parity-ranges': 'public.payments=4' });
    expect(errorsOf(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    const report = reportOf(run);
    const tables = report.checks.filter((c) => c.id === 'parity-table');
    expect(tables.map((c) => c.resource).sort()).toEqual([
      '"public"."accounts"',
      '"public"."audit_log"',
      '"public"."ledger_entries"',
      '"public"."payments"',
      '"public"."refunds"',
    ]);
    expect(report.checks.every((c) => c.status === 'pass')).toBe(true);
    expect(report.checks.map((c) => c.id)).toEqual(
      expect.arrayContaining(['parity-schema', 'parity-sequences', 'parity-dynamodb']),
    );
    const parity = JSON.parse(run.outputs['parity']!) as ParityOutput;
    expect(parity.postgres.equal).toBe(true);
    expect(parity.dynamodb).toMatchObject({ equal: true, v1Items: 2000, v2Items: 2000 });
    for (const table of tables) expect(run.summary).toContain(table.resource!.replace(/"/g, '&quot;'));
    for (const server of [lab.databases.v1, lab.databases.v2]) {
      expect(everythingPrinted(run)).not.toContain(server.password);
    }
    // The verdict is in the ledger, after what migrate-data recorded.
    expect(await ledgerTypes(lab)).toEqual(['data-copied', 'parity-passed']);
  });

  it('fails on each difference made behind the toolkit’s back, naming the table, range or key', async () => {
    await migrate();
    await lab.databases.v2.session(async (v2) => {
      await v2.query(`UPDATE public.payments SET memo = memo || ' ' WHERE id = 4242`); // trailing space only
      await v2.query(`DELETE FROM public.ledger_entries WHERE id = 10`);
      await v2.query(`INSERT INTO public.audit_log SELECT * FROM public.audit_log LIMIT 1`); // a duplicate, no key
      await v2.query(`CREATE TABLE public.extra_on_v2 (id int)`);
      await v2.query(`DROP INDEX public.refunds_payment_id_idx`);
      await v2.query(`SELECT setval('public.invoice_number_seq', 100001)`);
      await v2.query(`UPDATE public.accounts SET holder_name = NULL WHERE holder_name = '' AND id = 1`);
    });
    const client = labDynamoDb(lab);
    try {
      await client.send(
        new PutItemCommand({
          TableName: lab.config.v2.table,
          Item: { session_id: { S: 'session-0000003' }, changed: { BOOL: true } },
        }),
      );
    } finally {
      client.destroy();
    }

    const run = await runVerify(lab, { check: 'parity', 'parity-ranges': 'public.payments=4' });
    expect(run.exitCode).toBe(1);
    const failing = reportOf(run).checks.filter((c) => c.status === 'fail');
    const detail = (resource: string) => failing.find((c) => c.resource === resource)?.detail ?? '';
    expect(detail('"public"."payments"')).toMatch(/range/);
    expect(detail('"public"."payments"')).toContain('4242');
    expect(detail('"public"."ledger_entries"')).toContain('10');
    expect(detail('"public"."audit_log"')).not.toBe('');
    expect(detail('"public"."accounts"')).toContain('1');
    expect(failing.find((c) => c.id === 'parity-schema')?.detail).toMatch(/extra_on_v2/);
    expect(failing.find((c) => c.id === 'parity-schema')?.detail).toMatch(/refunds_payment_id_idx/);
    expect(failing.find((c) => c.id === 'parity-sequences')?.detail).toMatch(/invoice_number_seq/);
    expect(failing.find((c) => c.id === 'parity-dynamodb')?.detail).toContain('session-0000003');
    expect(errorsOf(run).join('\n')).toMatch(/^v1 and v2 differ for dev/);
    // A failed parity is recorded too: the cutover refuses on it.
    expect((await ledgerTypes(lab)).at(-1)).toBe('parity-failed');
  });
});
