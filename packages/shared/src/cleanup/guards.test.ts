import { buildConfig } from '../config/build-config.js';
import type { JsonObject, LedgerEvent, RunRecord } from '../ledger/event.js';
import { LedgerView } from '../ledger/view.js';
import { changelogEntry, prependEntry } from './changelog.js';
import { approvalGateCheck, completedCutover, confirmationCheck, deletionProtectionCheck } from './guards.js';
import { matchesPattern, type V1Inventory } from './inventory.js';
import { cleanupLock, lockHolder } from './lock.js';
import { planDeletion } from './plan.js';
import { stabilisation, stabilisationCheck } from './stability.js';
import { idleChecks, parametersNamingV1 } from './v1-usage.js';

const NOW = new Date('2026-03-20T12:00:00Z');
const DAY = 24 * 3_600_000;
const config = buildConfig({ environment: 'dev' });

function event(
  sequence: number,
  type: string,
  daysAgo: number,
  data: JsonObject = {},
  run: RunRecord = {},
): LedgerEvent {
  return {
    sequence,
    name: `/db-migration/dev/ledger/${String(sequence).padStart(6, '0')}`,
    id: `e${sequence}`,
    type,
    environment: 'dev',
    at: new Date(NOW.getTime() - daysAgo * DAY),
    run,
    approvers: { known: false, reason: 'test' },
    requestIds: [],
    data,
    secure: false,
    secrets: {},
  };
}

const cutOver = [
  event(1, 'v2-verified', 12),
  event(2, 'parity-passed', 11),
  event(3, 'cutover-started', 10, {}, { id: '77' }),
  event(4, 'cutover-completed', 10),
  event(5, 'bake-verdict', 10, { verdict: 'passed' }),
];
const view = (...events: LedgerEvent[]) => new LedgerView('dev', events);

describe('the cutover guard (4)', () => {
  test('passes on a completed, baked cutover and names it', () => {
    const result = completedCutover(view(...cutOver));
    expect(result.check.status).toBe('pass');
    expect(result.completed?.sequence).toBe(4);
  });
  test.each([
    ['no cutover', [event(1, 'v2-verified', 1)], /no cutover/],
    [
      'a rollback after it',
      [...cutOver, event(6, 'rollback-started', 9), event(7, 'rolled-back', 9)],
      /rolled back/,
    ],
    ['a cutover that never completed', cutOver.slice(0, 3), /never completed/],
    [
      'a failure after completion',
      [...cutOver.slice(0, 4), event(5, 'cutover-failed', 9)],
      /cutover-failed followed/,
    ],
    [
      'a failed bake',
      [...cutOver.slice(0, 4), event(5, 'bake-verdict', 9, { verdict: 'failed' })],
      /bake failed/,
    ],
  ])('refuses %s', (_what, events, reason) => {
    const result = completedCutover(view(...events));
    expect(result.check.status).toBe('fail');
    expect(result.check.detail).toMatch(reason);
  });
});

describe('the stabilisation guard (3), on AWS time', () => {
  test('6 days refuses and says when it will be allowed; 8 days passes', () => {
    const completed = event(4, 'cutover-completed', 6);
    const six = stabilisation(completed, [], NOW, 7);
    const refused = stabilisationCheck(six, 7);
    expect(refused.status).toBe('fail');
    expect(refused.detail).toContain(new Date(completed.at.getTime() + 7 * DAY).toISOString());
    const eight = stabilisation(event(4, 'cutover-completed', 8), [], NOW, 7);
    expect(stabilisationCheck(eight, 7).status).toBe('pass');
  });
  test('a parameter changed after the cutover restarts the count', () => {
    const s = stabilisation(
      event(4, 'cutover-completed', 10),
      [
        {
          region: 'us-east-2',
          name: '/app/dev/dynamodb/table',
          exists: true,
          type: 'String',
          value: 'session-table-v2-dev',
          version: 2,
          lastModifiedDate: new Date(NOW.getTime() - 2 * DAY),
        },
      ],
      NOW,
      7,
    );
    expect(s.days).toBeCloseTo(2);
    expect(s.sinceWhat).toContain('us-east-2 /app/dev/dynamodb/table');
  });
});

describe('the confirmation guard (5)', () => {
  test.each(['delete-v1', 'DELETE-V1 ', ' DELETE-V1', 'DELETE_V1', 'yes'])('refuses %j', (typed) => {
    expect(confirmationCheck(typed, false).status).toBe('fail');
    expect(confirmationCheck(typed, true).status).toBe('fail');
  });
  test('accepts exactly DELETE-V1; a dry run needs none', () => {
    expect(confirmationCheck('DELETE-V1', false).status).toBe('pass');
    expect(confirmationCheck('', true).status).toBe('skip');
    expect(confirmationCheck('', false).status).toBe('fail');
  });
});

describe('the approval guard (6)', () => {
  const approved = {
    known: true as const,
    reviews: [{ login: 'dba', state: 'approved' as const, environments: ['dev-v1-cleanup'] }],
  };
  test('passes only on a protected environment that approved this run', () => {
    const protection = { state: 'protected' as const, reviewers: ['dba'] };
    expect(
      approvalGateCheck({ inActions: true, environment: 'dev-v1-cleanup', protection, approvers: approved })
        .status,
    ).toBe('pass');
    const elsewhere = {
      known: true as const,
      reviews: [{ ...approved.reviews[0]!, environments: ['dev-cutover'] }],
    };
    expect(
      approvalGateCheck({ inActions: true, environment: 'dev-v1-cleanup', protection, approvers: elsewhere })
        .status,
    ).toBe('fail');
    const unprotected = {
      state: 'unprotected' as const,
      reason: 'dev-v1-cleanup has no required reviewers.',
    };
    expect(
      approvalGateCheck({
        inActions: true,
        environment: 'dev-v1-cleanup',
        protection: unprotected,
        approvers: approved,
      }).status,
    ).toBe('fail');
    expect(approvalGateCheck({ inActions: false }).status).toBe('skip');
  });
});

describe('the lock (10)', () => {
  const started = event(6, 'cleanup-started', 1, {}, { id: '900' });
  test('a cleanup that never ended holds it against another run, not against its own re-run', () => {
    const v = view(...cutOver, started);
    expect(lockHolder(v)?.job).toBe('cleanup');
    const other = cleanupLock(v, { id: '901' });
    expect(other.free).toBe(false);
    expect(!other.free && other.reason).toContain(`break-lock: ${started.id}`);
    expect(cleanupLock(v, { id: '900' })).toMatchObject({ free: true, resumes: started });
    expect(cleanupLock(v, { id: '901' }, started.id)).toMatchObject({ free: true, takesOver: started });
    expect(cleanupLock(view(...cutOver, started, event(7, 'cleanup-failed', 0)), { id: '901' }).free).toBe(
      true,
    );
  });
  test('a cutover or a rollback in progress holds it', () => {
    expect(lockHolder(view(...cutOver.slice(0, 3)))?.job).toBe('cutover');
    expect(lockHolder(view(...cutOver, event(6, 'rollback-started', 1)))?.job).toBe('rollback');
    expect(lockHolder(view(...cutOver))).toBeUndefined();
  });
});

const inventory: V1Inventory = {
  globalCluster: {
    identifier: 'global-db-dev',
    arn: 'arn:aws:rds::1:global-cluster:global-db-dev',
    status: 'available',
    deletionProtection: true,
    members: [],
  },
  clusters: (['primary', 'dr'] as const).map((role) => ({
    role,
    region: role === 'primary' ? 'us-east-1' : 'us-east-2',
    identifier: `${role}-db-cluster-dev`,
    arn: `arn:aws:rds:x:1:cluster:${role}-db-cluster-dev`,
    status: 'available',
    deletionProtection: role === 'primary',
    globalMember: true,
    isWriter: role === 'primary',
    endpoints: [`${role}-db-cluster-dev.cluster-abc.rds.amazonaws.com`],
    port: 5432,
    instances: [0, 1, 2].map((i) => ({ identifier: `${role}-db-instance-${i}-dev`, status: 'available' })),
  })),
  table: {
    name: 'session-table-dev',
    region: 'us-east-1',
    arn: 'arn:t',
    status: 'ACTIVE',
    replicas: [{ region: 'us-east-2', status: 'ACTIVE' }],
  },
  secret: { name: 'db-password-dev', region: 'us-east-1', arn: 'arn:s' },
  strangers: [],
};

describe('the deletion plan', () => {
  test("is in AWS's order, covers every instance found, and removes the replica before the table", () => {
    const kinds = planDeletion(config, inventory, [], { secretRecoveryDays: 30 }).map(
      (s) => `${s.kind} ${s.resource}`,
    );
    const at = (entry: string) => kinds.indexOf(entry);
    expect(at('remove-from-global-cluster dr-db-cluster-dev')).toBeLessThan(
      at('delete-instance dr-db-instance-0-dev'),
    );
    expect(at('delete-instance dr-db-instance-2-dev')).toBeLessThan(at('delete-cluster dr-db-cluster-dev'));
    expect(at('delete-cluster dr-db-cluster-dev')).toBeLessThan(
      at('remove-from-global-cluster primary-db-cluster-dev'),
    );
    expect(at('disable-cluster-protection primary-db-cluster-dev')).toBeGreaterThan(-1);
    expect(at('disable-cluster-protection dr-db-cluster-dev')).toBe(-1);
    expect(at('delete-cluster primary-db-cluster-dev')).toBeLessThan(
      at('delete-global-cluster global-db-dev'),
    );
    expect(at('remove-table-replica session-table-dev@us-east-2')).toBeLessThan(
      at('delete-table session-table-dev'),
    );
    expect(kinds.at(-1)).toBe('delete-secret db-password-dev');
    expect(kinds.filter((k) => k.startsWith('delete-instance'))).toHaveLength(6);
  });
  test('deletion protection is refused unless allowed', () => {
    expect(deletionProtectionCheck(inventory, false).status).toBe('fail');
    expect(deletionProtectionCheck(inventory, true).status).toBe('pass');
  });
  test("the table's own deletion protection is refused even when the clusters' may be turned off", () => {
    const protectedTable = { ...inventory, table: { ...inventory.table!, deletionProtection: true } };
    const check = deletionProtectionCheck(protectedTable, true);
    expect(check.status).toBe('fail');
    expect(check.detail).toContain(
      'aws dynamodb update-table --region us-east-1 --table-name session-table-dev --no-deletion-protection-enabled',
    );
  });
});

describe('v1 usage (1, 2)', () => {
  test('a parameter naming a v1 endpoint, secret or table is found; v2 values are not', () => {
    const p = (region: string, name: string, value: string) =>
      ({ region, name, exists: true, type: 'String', value, version: 1 }) as const;
    const found = parametersNamingV1(config, inventory, [
      p('us-east-1', '/app/dev/database/endpoint', 'primary-db-cluster-v2-dev.cluster-abc.rds.amazonaws.com'),
      p(
        'us-east-2',
        '/app/dev/database/endpoint',
        'primary-db-cluster-dev.cluster-abc.rds.amazonaws.com:5432',
      ),
      p('us-east-2', '/app/dev/dynamodb/table', 'session-table-dev'),
      p('us-east-1', '/app/dev/database/password-secret', 'db-password-v2-dev'),
    ]);
    expect(found.map((f) => `${f.parameter.region} ${f.parameter.name}`)).toEqual([
      'us-east-2 /app/dev/database/endpoint',
      'us-east-2 /app/dev/dynamodb/table',
    ]);
  });
  test('missing datapoints cannot prove v1 idle; a connection is use', () => {
    const [missing, used, idle] = idleChecks(
      [
        { resource: 'a', region: 'us-east-1', kind: 'connections' },
        { resource: 'b', region: 'us-east-1', kind: 'connections', peak: 2 },
        { resource: 'c', region: 'us-east-1', kind: 'table-capacity', peak: 0 },
      ],
      24,
    );
    expect(missing!.status).toBe('fail');
    expect(missing!.detail).toContain('Cannot prove v1 is idle');
    expect(used!.status).toBe('fail');
    expect(idle!.status).toBe('pass');
  });
  test('instance names match the pattern with any number, nothing else', () => {
    expect(matchesPattern('primary-db-instance-12-dev', 'primary-db-instance-{i}-dev')).toBe(true);
    expect(matchesPattern('primary-db-instance--dev', 'primary-db-instance-{i}-dev')).toBe(false);
    expect(matchesPattern('primary-db-instance-x-dev', 'primary-db-instance-{i}-dev')).toBe(false);
    expect(matchesPattern('analytics-dev', 'primary-db-instance-{i}-dev')).toBe(false);
  });
});

describe('the CHANGELOG entry', () => {
  test("has the ledger's dates and approvers and no placeholder", () => {
    const started = {
      ...event(3, 'cutover-started', 10),
      approvers: {
        known: true as const,
        reviews: [{ login: 'alice', state: 'approved' as const, environments: ['dev-cutover'] }],
      },
    };
    const cleanup = {
      ...event(6, 'cleanup-started', 0),
      approvers: {
        known: true as const,
        reviews: [{ login: 'bob', state: 'approved' as const, environments: ['dev-v1-cleanup'] }],
      },
    };
    const completed = event(9, 'cleanup-completed', 0);
    const entry = changelogEntry({
      environment: 'dev',
      view: view(cutOver[0]!, cutOver[1]!, started, cutOver[3]!, cutOver[4]!, cleanup, completed),
      completed,
      cutover: cutOver[3]!,
      archives: [
        {
          kind: 'cluster-snapshot',
          source: 'primary-db-cluster-dev',
          region: 'us-east-1',
          identifier: 's1',
          arn: 'arn:s1',
          state: 'available',
          retainUntil: '2026-06-18',
          reused: false,
        },
      ],
      deleted: ['primary-db-cluster-dev'],
    });
    expect(entry).toContain('Migration started: 2026-03-08');
    expect(entry).toContain('Cutover completed: 2026-03-10');
    expect(entry).toContain('v1 cleanup completed: 2026-03-20');
    expect(entry).toContain('10.0-day stabilization');
    expect(entry).toContain('retained until: 2026-06-18');
    expect(entry).toMatch(/Cutover .*alice/);
    expect(entry).toMatch(/v1 cleanup .*bob/);
    expect(entry).not.toMatch(/\[[A-Z_]+\]/);
    expect(prependEntry('# Changelog\n\n## [1.0.0]\n', entry)).toMatch(
      /^# Changelog\n\n## \[v2\.0\.0\][\s\S]*## \[1\.0\.0\]/,
    );
  });
});
