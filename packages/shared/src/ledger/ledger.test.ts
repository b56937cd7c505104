import {
  GetParameterCommand,
  GetParametersByPathCommand,
  PutParameterCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { GitHubApi, Sandbox } from '@dbmig/sandbox';
import { approvalsSourceFromEnv, readApprovals } from './approvals.js';
import { LedgerCorruptError, LedgerRefusal } from './errors.js';
import { actionsRun, sandboxSsm, testLedger } from './ledger.fixture.js';
import type { LedgerView } from './view.js';

let sandbox: Sandbox;
let ssm: SSMClient;

beforeAll(async () => {
  sandbox = await Sandbox.start();
  ssm = sandboxSsm(sandbox);
});

afterAll(async () => {
  ssm.destroy();
  await sandbox.stop();
});

afterEach(() => {
  sandbox.now = () => new Date();
});

/** The sandbox's clock at fixed, distinct times, so that `at` is provably AWS's time, not the runner's. */
function awsClockFrom(start: string): Date[] {
  const seen: Date[] = [];
  let next = new Date(start).getTime();
  sandbox.now = () => {
    const at = new Date(next);
    next += 1000;
    seen.push(at);
    return at;
  };
  return seen;
}

const noCutoverYet = (ledger: LedgerView) =>
  ledger.latest('cutover-started') ? `${ledger.latest('cutover-started')!.name} already started it` : true;

describe('append and read', () => {
  test('events read back in order, numbered, with the AWS-side time of each append and the run', async () => {
    const { ledger, lines } = testLedger(sandbox, 'order', { ssm, run: actionsRun('4242', 'octocat', 2) });
    const times = awsClockFrom('2026-03-04T05:06:07.000Z');
    const appended = [];
    // 12 events: more than one page of GetParametersByPath (10).
    for (let i = 1; i <= 12; i += 1) {
      appended.push(
        await ledger.append({
          type: i % 2 === 0 ? 'parity-passed' : 'v2-verified',
          data: { round: i, healthy: true },
          requestIds: [`req-${i}`],
        }),
      );
    }
    expect(appended.map((e) => e.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(appended[0]!.name).toBe('/db-migration/order/ledger/000001');
    // Each event's time is one the sandbox's clock gave (the clock is also read for every reply's Date
    // header, so there are more readings than events), one per event, in order: AWS's time, not the runner's.
    const at = appended.map((e) => e.at.getTime());
    expect(new Set(at).size).toBe(12);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(times.map((t) => t.getTime())).toEqual(expect.arrayContaining(at));

    const view = await ledger.read();
    expect(view.events.map((e) => e.data['round'])).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(view.events.map((e) => e.at.getTime())).toEqual(at);
    expect(view.events[0]).toMatchObject({
      type: 'v2-verified',
      environment: 'order',
      requestIds: ['req-1'],
      secure: false,
      run: {
        url: 'https://github.com/acme/payments/actions/runs/4242',
        id: '4242',
        attempt: 2,
        actor: 'octocat',
        workflow: 'db-migration',
      },
      approvers: { known: false, reason: 'not asked in this test' },
    });
    expect(view.latest('parity-passed')?.sequence).toBe(12);
    expect(view.since(appended[9]!.at).map((e) => e.sequence)).toEqual([10, 11, 12]);
    expect(lines[0]).toContain(
      `recorded v2-verified (/db-migration/order/ledger/000001, ${appended[0]!.at.toISOString()},`,
    );
    expect(appended[0]!.at.toISOString()).toMatch(/^2026-03-04T05:06:/);
  });

  test('the order is the sequence numbers, whatever order SSM lists the parameters in', async () => {
    const { ledger } = testLedger(sandbox, 'shuffled', { ssm });
    for (const round of [1, 2, 3]) await ledger.append({ type: 'backup-made', data: { round } });
    // Re-insert the parameters newest first: the sandbox then lists them in that order.
    const parameters = sandbox.world.region('us-east-1').parameters;
    const ours = [...parameters.entries()].filter(([name]) => name.startsWith('/db-migration/shuffled/'));
    for (const [name] of ours) parameters.delete(name);
    for (const [name, parameter] of ours.reverse()) parameters.set(name, parameter);
    const listed = await ssm.send(new GetParametersByPathCommand({ Path: '/db-migration/shuffled/ledger' }));
    expect(listed.Parameters?.[0]?.Name).toBe('/db-migration/shuffled/ledger/000003');

    expect((await ledger.read()).events.map((e) => e.data['round'])).toEqual([1, 2, 3]);
    expect((await ledger.append({ type: 'backup-made', data: { round: 4 } })).sequence).toBe(4);
  });

  test('an environment reads only its own ledger', async () => {
    const { ledger: dev } = testLedger(sandbox, 'iso', { ssm });
    const { ledger: devx } = testLedger(sandbox, 'isox', { ssm });
    await dev.append({ type: 'v2-verified' });
    expect((await devx.read()).events).toEqual([]);
    expect((await dev.read()).events).toHaveLength(1);
  });

  test('an append with an id already in the ledger returns the recorded event instead of a second one', async () => {
    const { ledger } = testLedger(sandbox, 'idem', { ssm });
    const first = await ledger.append({ type: 'data-copied', id: 'copy-r77-1', data: { rows: 5 } });
    const again = await ledger.append({ type: 'data-copied', id: 'copy-r77-1', data: { rows: 5 } });
    expect(again.name).toBe(first.name);
    expect((await ledger.read()).events).toHaveLength(1);
  });

  test('a create the SDK retried after its answer was lost is recognised as this event, not a rival', async () => {
    const retrying = sandboxSsm(sandbox, { maxAttempts: 3 });
    let dropped = false;
    // Inside the retry loop: the first PutParameter reaches SSM, then its answer is "lost".
    retrying.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (context.commandName === 'PutParameterCommand' && !dropped) {
          dropped = true;
          throw Object.assign(new Error('socket hang up after the request was sent'), {
            name: 'TimeoutError',
            $metadata: {},
          });
        }
        return result;
      },
      { step: 'deserialize', name: 'loseOneAnswer' },
    );
    try {
      const { ledger, lines } = testLedger(sandbox, 'lost', { ssm: retrying });
      const event = await ledger.append({ type: 'backup-made' });
      expect(dropped).toBe(true);
      expect(event.sequence).toBe(1);
      expect((await ledger.read()).events.map((e) => e.id)).toEqual([event.id]);
      expect(lines.join('\n')).not.toMatch(/taken by/);
    } finally {
      retrying.destroy();
    }
  });
});

describe('concurrent writers', () => {
  test('appends racing from separate ledgers all land, each on its own number, none overwritten', async () => {
    const writers = ['11', '12', '13', '14'].map((runId) =>
      testLedger(sandbox, 'race', { ssm, run: actionsRun(runId, `actor-${runId}`) }),
    );
    const before = sandbox.calls('ssm').length;
    const events = await Promise.all(
      writers.map(({ ledger }, i) => ledger.append({ type: 'v2-verified', data: { writer: i } })),
    );
    expect(new Set(events.map((e) => e.sequence))).toEqual(new Set([1, 2, 3, 4]));
    // The race really happened: SSM refused creates of a taken number.
    const refused = sandbox
      .calls('ssm')
      .slice(before)
      .filter((c) => c.operation === 'PutParameter' && c.status === 400);
    expect(refused.length).toBeGreaterThan(0);
    expect(writers.some(({ lines }) => lines.some((l) => /was just taken by v2-verified/.test(l)))).toBe(
      true,
    );

    const view = await writers[0]!.ledger.read();
    expect(view.events.map((e) => e.data['writer']).sort()).toEqual([0, 1, 2, 3]);
    expect(view.events.map((e) => e.run.actor).sort()).toEqual([
      'actor-11',
      'actor-12',
      'actor-13',
      'actor-14',
    ]);
    for (const event of view.events) {
      const { Parameter } = await ssm.send(new GetParameterCommand({ Name: event.name }));
      expect(Parameter?.Version).toBe(1);
    }
  });

  test('of two writers whose event excludes the other, one records and the other is refused, naming the winner', async () => {
    const a = testLedger(sandbox, 'exclusive', { ssm, run: actionsRun('501', 'alice') });
    const b = testLedger(sandbox, 'exclusive', { ssm, run: actionsRun('502', 'bob') });
    const outcomes = await Promise.allSettled([
      a.ledger.append({ type: 'cutover-started' }, { expect: noCutoverYet }),
      b.ledger.append({ type: 'cutover-started' }, { expect: noCutoverYet }),
    ]);
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const refusal = lost[0]!.reason as LedgerRefusal;
    expect(refusal).toBeInstanceOf(LedgerRefusal);
    const winner = outcomes[0]!.status === 'fulfilled' ? 'alice' : 'bob';
    expect(refusal.concurrent.map((e) => e.run.actor)).toEqual([winner]);
    expect(refusal.message).toContain('Refused to record cutover-started in the ledger of exclusive');
    expect(refusal.message).toContain('/db-migration/exclusive/ledger/000001 already started it');
    expect(refusal.message).toMatch(
      /Another writer appended first: cutover-started \(\/db-migration\/exclusive\/ledger\/000001, .*runs\/50[12] by (alice|bob)/,
    );

    const view = await a.ledger.read();
    expect(view.events.map((e) => e.type)).toEqual(['cutover-started']);
    // The loser wrote nothing.
    const listed = await ssm.send(
      new GetParametersByPathCommand({ Path: '/db-migration/exclusive', Recursive: true }),
    );
    expect(listed.Parameters?.map((p) => p.Name)).toEqual(['/db-migration/exclusive/ledger/000001']);
  });

  test('an expectation that fails on the first read refuses at once, with nothing written', async () => {
    const { ledger } = testLedger(sandbox, 'refuse', { ssm });
    await ledger.append({ type: 'cutover-started' });
    const before = sandbox.calls('ssm').filter((c) => c.operation === 'PutParameter').length;
    const error = await ledger
      .append({ type: 'cutover-started' }, { expect: noCutoverYet })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LedgerRefusal);
    expect((error as LedgerRefusal).concurrent).toEqual([]);
    expect((error as Error).message).not.toContain('Another writer');
    expect(sandbox.calls('ssm').filter((c) => c.operation === 'PutParameter').length).toBe(before);
  });
});

describe('secrets', () => {
  const oldEndpoint = 'primary-v1.cluster-hunter2.us-east-1.rds.amazonaws.com';

  test('an event with secrets is a SecureString, read back WithDecryption, and its values never reach a log line or its JSON', async () => {
    const { ledger, lines, masked } = testLedger(sandbox, 'secure', { ssm });
    const event = await ledger.append({
      type: 'cutover-started',
      data: { parameter: '/app/secure/database/endpoint', region: 'us-east-1' },
      secrets: { 'us-east-1:/app/secure/database/endpoint': oldEndpoint },
    });
    expect(event.secure).toBe(true);
    const stored = await ssm.send(new GetParameterCommand({ Name: event.name }));
    expect(stored.Parameter?.Type).toBe('SecureString');
    expect(stored.Parameter?.Value).not.toContain('hunter2');

    const {
      ledger: reader,
      lines: readerLines,
      masked: readerMasked,
    } = testLedger(sandbox, 'secure', { ssm });
    const read = (await reader.read()).latest('cutover-started')!;
    expect(read.secrets['us-east-1:/app/secure/database/endpoint']).toBe(oldEndpoint);
    expect(read.data).toEqual({ parameter: '/app/secure/database/endpoint', region: 'us-east-1' });
    expect(JSON.stringify(read)).not.toContain('hunter2');
    expect([...lines, ...readerLines].join('\n')).not.toContain('hunter2');
    // Masked in the runner's log as soon as it is written or read.
    expect(new Set(masked)).toEqual(new Set([oldEndpoint]));
    expect(new Set(readerMasked)).toEqual(new Set([oldEndpoint]));
    // An event without secrets stays a String.
    const plain = await ledger.append({ type: 'bake-verdict', data: { verdict: 'passed' } });
    expect((await ssm.send(new GetParameterCommand({ Name: plain.name }))).Parameter?.Type).toBe('String');
  });
});

describe('events longer than a Standard parameter', () => {
  test('are kept in parts below the ledger path and read back whole; a secret one in SecureString parts', async () => {
    const { ledger } = testLedger(sandbox, 'long', { ssm });
    const values = Object.fromEntries(
      Array.from({ length: 40 }, (_, i) => [`/app/long/parameter-${i}`, `vålue-${i}-${'x'.repeat(200)}`]),
    );
    const event = await ledger.append({
      type: 'cutover-started',
      data: { values },
      secrets: { old: `${'s'.repeat(5000)}-hunter2` },
    });
    const listed = await ssm.send(new GetParametersByPathCommand({ Path: '/db-migration/long/ledger' }));
    expect(listed.Parameters?.map((p) => p.Name)).toEqual([event.name]);
    const parts = await ssm.send(
      new GetParametersByPathCommand({ Path: '/db-migration/long/ledger/parts', Recursive: true }),
    );
    expect(parts.Parameters!.length).toBeGreaterThanOrEqual(3);
    expect(parts.Parameters!.every((p) => p.Type === 'SecureString')).toBe(true);

    const read = (await ledger.read()).bySequence(1)!;
    expect(read.data).toEqual({ values });
    expect(read.secrets['old']).toBe(`${'s'.repeat(5000)}-hunter2`);
    expect(read.at).toEqual(event.at);
  });

  test('an event beyond what the parts hold is refused before anything is written', async () => {
    const { ledger } = testLedger(sandbox, 'huge', { ssm });
    const error = await ledger
      .append({ type: 'data-copied', data: { listing: 'x'.repeat(70_000) } })
      .catch((e: unknown) => e as Error);
    expect((error as Error).message).toMatch(
      /data-copied event for huge is \d+ bytes as JSON, more than the ledger keeps/,
    );
    const listed = await ssm.send(
      new GetParametersByPathCommand({ Path: '/db-migration/huge', Recursive: true }),
    );
    expect(listed.Parameters).toEqual([]);
  });
});

describe('a malformed ledger', () => {
  test('is reported naming every bad parameter and what is wrong, never quoting its value', async () => {
    const { ledger } = testLedger(sandbox, 'broken', { ssm });
    await ledger.append({ type: 'v2-verified' });
    const put = (Name: string, Value: string, Type: 'String' | 'SecureString' = 'String') =>
      ssm.send(new PutParameterCommand({ Name, Value, Type }));
    await put('/db-migration/broken/ledger/000002', '{"password": "hunter2"', 'SecureString');
    await put('/db-migration/broken/ledger/000003', JSON.stringify({ v: 1, id: 'x', type: 'Bad Type!' }));
    await put('/db-migration/broken/ledger/notes', 'hunter2 notes');

    const error = (await ledger.read().catch((e: unknown) => e)) as LedgerCorruptError;
    expect(error).toBeInstanceOf(LedgerCorruptError);
    expect(error.problems.map((p) => p.name)).toEqual([
      '/db-migration/broken/ledger/000002',
      '/db-migration/broken/ledger/000003',
      '/db-migration/broken/ledger/notes',
    ]);
    expect(error.message).toContain('/db-migration/broken/ledger/000002 (version 1, modified ');
    expect(error.message).toContain('its value is not JSON');
    expect(error.message).toMatch(
      /000003 .*type is not in the expected form; .*environment must be a string/,
    );
    expect(error.message).toContain('its name is not a ledger sequence number');
    expect(error.message).not.toContain('hunter2');
    // A guard cannot append on a record it cannot read.
    await expect(ledger.append({ type: 'v2-verified' })).rejects.toBeInstanceOf(LedgerCorruptError);
  });
});

describe('approvers', () => {
  let github: GitHubApi;

  beforeAll(async () => {
    github = await GitHubApi.start();
  });

  afterAll(async () => {
    await github.stop();
  });

  test("are read once from GitHub's review history of the run and recorded on each event", async () => {
    github.setApprovals('acme/payments', 777, [
      { state: 'approved', login: 'dba-lead', environments: ['gated-cutover'], comment: 'window agreed' },
    ]);
    const run = actionsRun('777');
    const source = approvalsSourceFromEnv(run, github.env());
    const { ledger } = testLedger(sandbox, 'gated', { ssm, run, approvers: () => readApprovals(source) });
    await ledger.append({ type: 'v2-verified' });
    await ledger.append({ type: 'parity-passed' });
    const view = await ledger.read();
    for (const event of view.events) {
      expect(event.approvers).toEqual({
        known: true,
        reviews: [
          { login: 'dba-lead', state: 'approved', environments: ['gated-cutover'], comment: 'window agreed' },
        ],
      });
    }
    expect(github.requests.filter((r) => r.path.endsWith('/runs/777/approvals'))).toHaveLength(1);
  });

  test('a 403 is recorded as unknown with the reason, and the event is still recorded', async () => {
    github.deny('acme/locked');
    const run = { ...actionsRun('778'), repository: 'acme/locked' };
    const source = approvalsSourceFromEnv(run, github.env());
    const { ledger } = testLedger(sandbox, 'denied', { ssm, run, approvers: () => readApprovals(source) });
    const event = await ledger.append({ type: 'v2-verified' });
    expect(event.approvers).toEqual({
      known: false,
      reason: expect.stringMatching(
        /GitHub answered 403: Resource not accessible by integration .*actions: read/,
      ),
    });
    expect(JSON.stringify(event)).not.toContain(github.token);
  });
});
