import { readdirSync, readFileSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { BatchWriteItemCommand } from '@aws-sdk/client-dynamodb';
import { startLab, type Lab } from '@dbmig/sandbox';
import { checkpointParameter } from '@dbmig/shared';
import { errorsOf, labDynamoDb, runMigrate, tableDigests, tablesEqual } from './run-migrate.js';

let lab: Lab;
beforeAll(async () => {
  lab = await startLab({ scenario: 'payments-world' });
});
afterAll(async () => {
  await lab?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('migrate-data, interrupted and watched', () => {
  it('a DynamoDB copy SIGKILLed midway, re-run with the same inputs, resumes and ends identical', async () => {
    // Items large enough that each Scan segment spans several 1 MB pages: positions then move mid-segment.
    const total = 2000 + (await addLargeSessions(lab, 1200));
    // Slow writes, as a busy table in AWS answers them, so that the kill lands mid-copy.
    lab.sandbox.faults.set([{ operation: 'dynamodb:BatchWriteItem', latencyMs: 1500 }]);
    const parameters = lab.sandbox.world.region('us-east-1').parameters;
    const midway = () => {
      const saved = parameters.get(checkpointParameter('dev'));
      if (!saved) return false;
      const segments = (JSON.parse(saved.value) as { segments: unknown[] }).segments;
      return segments.some((s) => s !== null) && !segments.every((s) => s === 'done');
    };
    let killed = false;
    const first = await runMigrate(
      lab,
      { steps: 'dynamodb' },
      {
        onSpawn: (child: ChildProcess) => {
          void (async () => {
            // Kill once a position past the start of some segment is recorded, before the copy ends.
            while (child.exitCode === null && !midway()) await sleep(10);
            killed = child.kill('SIGKILL');
          })();
        },
      },
    );
    lab.sandbox.faults.clear();
    expect(killed).toBe(true);
    expect(first.signal).toBe('SIGKILL');
    expect(await tablesEqual(lab)).toBe(false);
    expect(parameters.has(checkpointParameter('dev'))).toBe(true);

    const second = await runMigrate(lab, { steps: 'dynamodb' });
    expect(errorsOf(second)).toEqual([]);
    expect(second.stdout).toContain('resume the interrupted copy');
    // It continued from the recorded positions: fewer items written than the table holds.
    expect(Number(second.outputs['items'])).toBeLessThan(total);
    expect(await tablesEqual(lab)).toBe(true);
    expect(parameters.has(checkpointParameter('dev'))).toBe(false);
  });

  it('with 20 % of BatchWriteItem calls left partly unprocessed and some throttled, loses nothing', async () => {
    await lab.load('payments-world');
    lab.sandbox.faults.set([
      { operation: 'dynamodb:BatchWriteItem', unprocessedRate: 0.2, throttleRate: 0.1 },
    ]);
    const before = { ...lab.sandbox.faults.injected, unprocessed: lab.sandbox.faults.unprocessedInjected };
    const run = await runMigrate(lab, { steps: 'dynamodb' });
    const after = { ...lab.sandbox.faults.injected, unprocessed: lab.sandbox.faults.unprocessedInjected };
    lab.sandbox.faults.clear();
    expect(errorsOf(run)).toEqual([]);
    // The pressure was real: both kinds of fault were injected during the copy.
    expect(after.unprocessed).toBeGreaterThan(before.unprocessed);
    expect(after.throttle).toBeGreaterThan(before.throttle);
    expect(run.outputs['items']).toBe('2000');
    expect(await tablesEqual(lab)).toBe(true);
  });

  it('no password appears in any process argument list or environment while the copy runs', async () => {
    await lab.load('payments-world');
    const secrets = [lab.databases.v1.password, lab.databases.v2.password];
    const leaks = new Set<string>();
    let seen = 0;
    let running = true;
    const watch = (async () => {
      while (running) {
        for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
          for (const file of ['cmdline', 'environ']) {
            let text: string;
            try {
              text = readFileSync(`/proc/${pid}/${file}`, 'latin1');
            } catch {
              continue; // the process ended meanwhile
            }
            seen++;
            for (const secret of secrets) if (text.includes(secret)) leaks.add(`${pid}/${file}`);
          }
        }
        await sleep(5);
      }
    })();
    const run = await runMigrate(lab, { steps: 'postgres' });
    running = false;
    await watch;
    expect(errorsOf(run)).toEqual([]);
    expect(await tableDigests(lab.databases.v2)).toEqual(await tableDigests(lab.databases.v1));
    expect(seen).toBeGreaterThan(0);
    expect([...leaks]).toEqual([]);
  });
});

/** Adds `count` sessions of ~16 KB each to the v1 table; returns how many. */
async function addLargeSessions(lab: Lab, count: number): Promise<number> {
  const client = labDynamoDb(lab);
  const blob = (i: number) => Uint8Array.from({ length: 16 * 1024 }, (_, k) => (i * 31 + k * 7) % 256);
  try {
    const batches: number[][] = [];
    for (let i = 0; i < count; i += 25)
      batches.push(Array.from({ length: Math.min(25, count - i) }, (_, k) => i + k));
    const next = batches.values();
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (const batch of next) {
          let requests = batch.map((i) => ({
            PutRequest: { Item: { session_id: { S: `large-${i}` }, payload: { B: blob(i) } } },
          }));
          while (requests.length > 0) {
            const out = await client.send(
              new BatchWriteItemCommand({ RequestItems: { [lab.config.v1.table]: requests } }),
            );
            requests = (out.UnprocessedItems?.[lab.config.v1.table] ?? []) as typeof requests;
          }
        }
      }),
    );
    return count;
  } finally {
    client.destroy();
  }
}
