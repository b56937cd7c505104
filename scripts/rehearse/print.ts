import { SSMClient } from '@aws-sdk/client-ssm';
import { sandboxClient, type ActionRun, type Lab } from '@dbmig/sandbox';
import { describeEvent, Ledger } from '@dbmig/shared';

/* What the rehearsal shows of each action's run: its report, its figures, its refusals. */

interface ReportCheck {
  id: string;
  title: string;
  region?: string;
  resource?: string;
  status: string;
  detail: string;
}

const STATUS = { pass: '✅ pass', warn: '⚠️  warn', fail: '❌ FAIL', skip: '⏭️  skip' } as Record<
  string,
  string
>;

/** verify-v2's checks, one line each. */
export function printReport(run: ActionRun): void {
  const report = run.outputs['report'];
  if (!report) return;
  const { checks } = JSON.parse(report) as { checks: ReportCheck[] };
  const width = Math.max(...checks.map((c) => c.title.length));
  for (const check of checks) {
    const where = (
      check.id.startsWith('parity-table') ? (check.resource ?? '') : (check.region ?? '')
    ).padEnd(24);
    console.log(
      `        ${STATUS[check.status] ?? check.status}  ${check.title.padEnd(width)}  ${where}  ${check.detail}`,
    );
  }
}

/** migrate-data's figures: the backups, then every table copied, then the items. */
export function printMigration(run: ActionRun): void {
  const backups = JSON.parse(run.outputs['backups'] || '[]') as {
    kind: string;
    identifier: string;
    status: string;
  }[];
  for (const b of backups) console.log(`        ${b.kind.padEnd(16)} ${b.identifier}  ${b.status}`);
  const tables = JSON.parse(run.outputs['tables'] || '{}') as Record<
    string,
    { rows: number; bytes: number; seconds: number }
  >;
  for (const [name, t] of Object.entries(tables)) {
    const rate = t.seconds > 0 ? Math.round(t.rows / t.seconds).toLocaleString('en-US') : '—';
    console.log(
      `        ${name.padEnd(24)} ${t.rows.toLocaleString('en-US').padStart(9)} rows  ${(t.bytes / 1e6).toFixed(1).padStart(7)} MB  ${t.seconds.toFixed(2).padStart(6)} s  ${rate} rows/s`,
    );
  }
  if (run.outputs['items']) {
    console.log(`        DynamoDB items copied: ${Number(run.outputs['items']).toLocaleString('en-US')}`);
  }
}

/** Phase 3's figures: its outputs, the bake's checks, and the rollback's timings as it logged them. */
export function printPhase3(run: ActionRun): void {
  const shown = ['cut-over', 'bake', 'rolled-back'].filter((name) => run.outputs[name] !== undefined);
  if (shown.length > 0)
    console.log(`        ${shown.map((name) => `${name}: ${run.outputs[name] || '—'}`).join(', ')}`);
  for (const line of run.stdout.split('\n')) {
    if (/^ {2}(pass|fail|inconclusive): /.test(line)) console.log(`        ${line.trim()}`);
    const timing = /^(Every parameter restored|Traffic back on v1) (\d+) ms after the rollback started/.exec(
      line,
    );
    if (timing) console.log(`        ${timing[1]} in ${(Number(timing[2]) / 1000).toFixed(2)} s`);
  }
  if (run.outputs['writes-at-risk']) {
    const risk = JSON.parse(run.outputs['writes-at-risk']) as {
      afterTraffic?: { rows: number; items?: { written: number } };
    };
    if (risk.afterTraffic) {
      console.log(
        `        writes at risk: ${risk.afterTraffic.rows} rows, ${risk.afterTraffic.items?.written ?? 0} items on v2 since the cutover`,
      );
    }
  }
}

/** Phase 4's figures: the plan, the archives, what was deleted, and the CHANGELOG entry. */
export function printCleanup(run: ActionRun): void {
  if (!run.outputs['changelog'] && run.outputs['deleted'] === undefined) return;
  const lines = run.stdout.split('\n');
  const planAt = lines.findIndex((l) => /^The plan( \(nothing was changed\))?:$/.test(l));
  if (planAt >= 0 && run.outputs['deleted'] === '[]') {
    console.log(`        ${lines[planAt]}`);
    for (const line of lines.slice(planAt + 1)) {
      if (!/^ {2}\d+\. /.test(line)) break;
      console.log(`        ${line}`);
    }
  }
  const archives = JSON.parse(run.outputs['archives'] || '[]') as {
    kind: string;
    identifier: string;
    state: string;
    itemCount?: number;
  }[];
  for (const a of archives) {
    console.log(
      `        archive ${a.kind.padEnd(16)} ${a.identifier}  ${a.state}${a.itemCount !== undefined ? `, ${a.itemCount} items` : ''}`,
    );
  }
  const deleted = JSON.parse(run.outputs['deleted'] || '[]') as { resource: string; region?: string }[];
  if (deleted.length > 0) {
    console.log(`        deleted: ${deleted.map((d) => d.resource).join(', ')}`);
  }
  if (run.outputs['changelog']) {
    console.log('        CHANGELOG entry:');
    for (const line of run.outputs['changelog'].split('\n')) console.log(`          ${line}`);
  }
}

/** Everything above that applies to one action's run, then its error annotations. */
export function printActionRun(action: string, run: ActionRun): void {
  printReport(run);
  if (action === 'migrate-data') printMigration(run);
  printPhase3(run);
  if (action === 'cleanup-v1') printCleanup(run);
  for (const a of run.annotations.filter((a) => a.level === 'error')) {
    console.log(`        ::error:: ${a.message.slice(0, 600)}`);
  }
}

/** The migration's record as the later phases' guards will read it: one line per event, on AWS's clock. */
export async function printLedger(lab: Lab): Promise<void> {
  const ssm = sandboxClient(SSMClient, lab.sandbox, lab.config.regions.primary);
  try {
    const view = await new Ledger({
      ssm,
      environment: lab.config.environment,
      onSecret: () => undefined,
    }).read();
    console.log(`\nLedger of ${lab.config.environment} (/db-migration/${lab.config.environment}/ledger/):`);
    for (const event of view.events) console.log(`  ${describeEvent(event)}`);
  } finally {
    ssm.destroy();
  }
}
