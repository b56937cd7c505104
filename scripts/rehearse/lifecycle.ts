import { execFileSync } from 'node:child_process';
import {
  addBucket,
  applyPaymentsSchema,
  days,
  passTime,
  type Lab,
  type PostgresServer,
} from '@dbmig/sandbox';
import type { Dispatch, EnvironmentVariables } from './dispatch.js';

/*
 * The lifecycle the rehearsal dispatches, workflow by workflow, with what it does to the world between
 * two runs (a drill, time passing) and how each run must end.
 */

/**
 * A short bake, so that the rehearsal takes seconds: the sandbox's CloudWatch figures move every second,
 * where AWS's move every minute and a real bake is the workflow's default 15 minutes.
 */
export const REHEARSAL_BAKE_MINUTES = '0.1';

/** The S3 bucket the cleanup exports the v1 table to (step 4.2), created in the sandbox before Phase 4. */
const ARCHIVE_BUCKET = 'rehearsal-db-archives';

/**
 * The GitHub variables of the rehearsed environment: more parity ranges for the big table, so that a
 * differing range is small enough to list its keys (the drill names payment 1234); and for the cleanup,
 * its archive bucket, point-in-time recovery turned on for the export, and a short poll of AWS.
 */
export const VARIABLES: EnvironmentVariables = {
  environment: { DB_MIGRATION_PARITY_RANGES: 'public.payments=8' },
  cleanup: {
    DB_MIGRATION_ARCHIVE_BUCKET: ARCHIVE_BUCKET,
    DB_MIGRATION_ENABLE_PITR: 'true',
    DB_MIGRATION_POLL_SECONDS: '0.5',
  },
};

/**
 * Which schema path Phase 2 takes: `copy` where a pg_dump at least as new as v1's server is on PATH, else
 * `existing`, with the application's migrations standing in (the rehearsal makes v2's schema itself).
 */
export function schemaMode(v1: PostgresServer): { schema: 'copy' | 'existing'; note: string } {
  let version: string;
  try {
    version = execFileSync('pg_dump', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return {
      schema: 'existing',
      note:
        `pg_dump is not on PATH: Phase 2 takes the schema: existing path, the application's migrations ` +
        `standing in. For schema: copy, install a PostgreSQL ${v1.major} client (Debian: postgresql-client-${v1.major}).`,
    };
  }
  const major = Number(/(\d+)(?:\.\d+)?/.exec(version.replace(/^\D+/, ''))?.[1] ?? 0);
  if (major < v1.major) {
    return {
      schema: 'existing',
      note: `${version} is older than v1's PostgreSQL ${v1.major}: Phase 2 takes the schema: existing path, the application's migrations standing in.`,
    };
  }
  return { schema: 'copy', note: `${version} found: Phase 2 copies v1's schema (schema: copy).` };
}

/** Phase 3 after the first cutover: the rollback, then parity again and the cutover again. */
function cutoverDispatches(environment: string): Dispatch[] {
  const again = { environment, phases: 'parity-and-cutover', 'bake-minutes': REHEARSAL_BAKE_MINUTES };
  return [
    {
      title:
        'Rollback (step 3.4): rollback.yml behind <env>-cutover; the parameters the cutover replaced, restored; traffic proved back on v1',
      workflow: 'rollback',
      inputs: { environment },
      expect: 'success',
      outputs: { rollback: { 'rolled-back': 'true' } },
    },
    {
      title:
        'Parity again, cutover again: migrate.yml from parity (a cutover after a rollback needs a parity newer than it)',
      workflow: 'migrate',
      inputs: again,
      expect: 'success',
      jobs: { 'verify-v2': 'skipped', 'migrate-data': 'skipped', parity: 'success', cutover: 'success' },
      outputs: { cutover: { 'cut-over': 'true', bake: 'passed' } },
    },
  ];
}

/**
 * Phase 4 right after the cutover: first refused (v2 has not served alone for seven days, v1 was used
 * today), then seven days pass on the sandbox's clock, then the dry run prints the plan and the cleanup
 * archives and deletes v1 and writes its CHANGELOG entry. Each run is held by `<env>-v1-cleanup` and
 * approved there, which the cleanup reads from GitHub (the sandbox's).
 */
function cleanupDispatches(environment: string): Dispatch[] {
  const deleting = {
    environment,
    confirm: 'DELETE-V1',
    'dry-run': false,
    'allow-disable-deletion-protection': true,
  };
  return [
    {
      title:
        'Phase 4 — cleanup-v1.yml right after the cutover: refused, with the reason, and nothing changed',
      workflow: 'cleanup-v1',
      inputs: deleting,
      expect: 'failure',
      refusal: /Refused by .*v2-stable/,
      before: async (lab) => {
        addBucket(lab.sandbox.world, ARCHIVE_BUCKET, lab.config.regions.primary);
      },
    },
    {
      title:
        'Phase 4 — seven days later (the sandbox’s clock): cleanup-v1.yml as dispatched by default, a dry run',
      workflow: 'cleanup-v1',
      inputs: { environment, confirm: 'DELETE-V1', 'allow-disable-deletion-protection': true },
      expect: 'success',
      outputs: { 'cleanup-v1': { deleted: '[]' } },
      before: async (lab) => {
        passTime(lab.sandbox, days(7));
        // A sample of the fleet's metrics on the new day, a moment in the past when the cleanup looks.
        await lab.sandbox.fleet.settle();
        passTime(lab.sandbox, 5_000);
      },
    },
    {
      title:
        'Phase 4 — cleanup-v1.yml with dry-run false (steps 4.1 to 4.4): archives awaited, v1 deleted in AWS’s order, the CHANGELOG',
      workflow: 'cleanup-v1',
      inputs: deleting,
      expect: 'success',
    },
  ];
}

/** The whole lifecycle of the first environment, on the payments world. */
export function lifecycle(lab: Lab, environment: string, schema: 'copy' | 'existing'): Dispatch[] {
  const v2 = lab.databases.v2;
  const bake = { 'bake-minutes': REHEARSAL_BAKE_MINUTES };
  return [
    {
      title: `Phases 1 and 2 — migrate.yml, verify-and-copy: v2 healthy and empty, v1 backed up, copied (schema: ${schema}), parity`,
      workflow: 'migrate',
      inputs: { environment, phases: 'verify-and-copy', schema, ...bake },
      expect: 'success',
      jobs: { 'verify-v2': 'success', 'migrate-data': 'success', parity: 'success', cutover: 'skipped' },
      // The application's own migrations, before the run: expect-empty is off for schema: existing.
      ...(schema === 'existing' && !v2.external ? { before: async () => applyPaymentsSchema(v2) } : {}),
    },
    ...(v2.external
      ? []
      : [
          {
            title:
              'Drill — a payment changed on v2 behind the toolkit’s back: parity must name it, and the cutover must not run',
            workflow: 'migrate' as const,
            inputs: { environment, phases: 'parity-and-cutover', ...bake },
            expect: 'failure' as const,
            jobs: { parity: 'failure' as const, cutover: 'skipped' as const },
            refusal: /parity-table \(.*"public"\."payments"\).*1234/,
            before: async () => {
              await v2.session((c) =>
                c.query(`UPDATE public.payments SET memo = memo || ' ' WHERE id = 1234`),
              );
            },
          },
        ]),
    {
      title: `${v2.external ? '' : 'Drill undone — the payment put back: '}Phase 3 — migrate.yml from parity: parity, then the cutover behind <env>-cutover (steps 3.1 to 3.3, a ${REHEARSAL_BAKE_MINUTES}-minute bake)`,
      workflow: 'migrate',
      inputs: { environment, phases: 'parity-and-cutover', ...bake },
      expect: 'success',
      jobs: { parity: 'success', cutover: 'success' },
      outputs: { cutover: { 'cut-over': 'true', bake: 'passed' } },
      ...(v2.external
        ? {}
        : {
            before: async () => {
              await v2.session((c) =>
                c.query(`UPDATE public.payments SET memo = left(memo, -1) WHERE id = 1234`),
              );
            },
          }),
    },
    ...cutoverDispatches(environment),
    ...cleanupDispatches(environment),
  ];
}

/** The second environment, whose v2 is unhealthy: the application on v2 logs database errors. */
export function unhealthyLifecycle(environment: string): Dispatch[] {
  return [
    {
      title: `${environment}: migrate.yml with auto-rollback — verify, copy, parity, then the bake must fail and roll back by itself`,
      workflow: 'migrate',
      inputs: { environment, 'bake-minutes': REHEARSAL_BAKE_MINUTES, 'auto-rollback': true },
      expect: 'failure',
      jobs: { 'verify-v2': 'success', 'migrate-data': 'success', parity: 'success', cutover: 'failure' },
      refusal: /bake failed.*rolled back/s,
      outputs: { cutover: { 'cut-over': 'false', bake: 'failed' } },
    },
  ];
}
