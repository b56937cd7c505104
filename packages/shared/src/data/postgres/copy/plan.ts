import type pg from 'pg';
import { listSequences, listTables, type SequenceInfo, type TableInfo } from '../catalog.js';
import { describeEndpoint, qualifiedName, withPostgres, type PostgresEndpoint } from '../connection.js';
import { defaultRangeCount, planKeyRanges } from '../ranges.js';
import { tablesNeedingText } from './copy-format.js';
import { foreignKeyLevels, readForeignKeys } from './foreign-keys.js';
import { checkPgDump } from './pg-dump-binary.js';
import { formatBytes } from './progress.js';
import { PostgresCopyRefusal } from './refusal.js';
import { missingRoles, rolesInGrants } from './roles.js';
import { existingTableDifferences, schemaDifferences } from './schema-diff.js';
import { coordinatorSnapshot, type SnapshotSource } from './snapshot.js';
import { listRelations, serverVersion, tablesWithRows } from './target-state.js';
import type {
  CopyStep,
  DataLoader,
  PgDumpBinary,
  PlannedTable,
  PostgresCopyOptions,
  SchemaMode,
} from './types.js';

const DEFAULT_JOBS = 4;
const LISTED = 10;

/** What the run needs beyond the plan's data: the endpoints (with their passwords) and the callbacks. */
export interface PlanContext {
  source: PostgresEndpoint;
  target: PostgresEndpoint;
  log: (line: string) => void;
  snapshot: SnapshotSource;
  progressIntervalSeconds: number;
  allowNonEmptyTarget: boolean;
  sslRootCert?: string;
  loader?: DataLoader;
}

/**
 * What the copy will do, decided before anything changes: the tables with their ranges and load order,
 * the sequences, the steps, and what was found on v2. Data only (the endpoints, which hold the passwords,
 * are kept out of it, so the plan can be logged or serialized), plus `describe()`.
 */
const contexts = new WeakMap<PostgresCopyPlan, PlanContext>();

/** The endpoints and callbacks of a plan, for the run; not part of the package's API. */
export function planContext(plan: PostgresCopyPlan): PlanContext {
  const context = contexts.get(plan);
  if (!context) throw new Error('not a plan made by planPostgresCopy');
  return context;
}

export class PostgresCopyPlan {
  constructor(
    readonly schema: SchemaMode,
    readonly jobs: number,
    readonly tables: readonly PlannedTable[],
    readonly sequences: readonly SequenceInfo[],
    readonly steps: readonly CopyStep[],
    readonly v1Version: string,
    readonly v2Version: string,
    /** v2 already held tables (schema copy) or rows (schema existing): allowed, a re-run. */
    readonly targetNonEmpty: boolean,
    readonly warnings: readonly string[],
    readonly pgDump: PgDumpBinary | undefined,
    context: PlanContext,
  ) {
    contexts.set(this, context);
  }

  get estimatedBytes(): number {
    return this.tables.reduce((sum, t) => sum + t.table.estimatedBytes, 0);
  }

  /** The lines printed before acting (and all that a dry run prints). */
  describe(): string[] {
    const { source, target } = planContext(this);
    const ranges = this.tables.reduce((sum, t) => sum + t.ranges.length, 0);
    const lines = [
      `PostgreSQL copy from ${describeEndpoint(source)} (PostgreSQL ${this.v1Version}) to ` +
        `${describeEndpoint(target)} (PostgreSQL ${this.v2Version})`,
      this.schema === 'copy'
        ? `schema: copy, v1's schema from ${this.pgDump!.path} (pg_dump ${this.pgDump!.version}): ` +
          `pre-data before the rows, indexes, constraints and triggers after`
        : `schema: existing, v2's tables match v1's; no pg_dump needed`,
      `steps: ${this.steps.join(' → ')}; ${planContext(this).snapshot.description}, shared by every worker`,
      planContext(this).loader
        ? `data: ${this.tables.length} tables (${formatBytes(this.estimatedBytes)} on v1) moved by ${planContext(this).loader!.description}`
        : `data: ${this.tables.length} tables (${formatBytes(this.estimatedBytes)} on v1) in ${ranges} work ` +
          `items, ${this.jobs} at a time, largest first` +
          (this.tables.some((t) => t.level > 0) ? ', tables after those they reference' : ''),
    ];
    for (const planned of this.tables) {
      const t = planned.table;
      const parts = [
        `${Math.round(t.estimatedRows).toLocaleString('en-US')} rows estimated`,
        formatBytes(t.estimatedBytes),
        planned.ranges.length > 1 ? `${planned.ranges.length} key ranges` : 'one piece',
      ];
      if (planned.level > 0) parts.push(`level ${planned.level}`);
      if (planned.format === 'text') parts.push('text format');
      lines.push(`  ${t.schema}.${t.name}: ${parts.join(', ')}`);
    }
    lines.push(`sequences: ${this.sequences.length}, set on v2 to v1's values after the rows`);
    if (this.targetNonEmpty) {
      lines.push(
        this.schema === 'copy'
          ? 'v2 is not empty (allowed): objects already there are kept, each table is emptied and loaded again'
          : 'v2 already holds rows (allowed): each table is emptied and loaded again',
      );
    }
    for (const warning of this.warnings) lines.push(`warning: ${warning}`);
    return lines;
  }
}

function listOf(names: readonly string[]): string {
  const shown = names.slice(0, LISTED).join(', ');
  return names.length > LISTED ? `${shown} and ${names.length - LISTED} more` : shown;
}

const nameOf = (t: { schema: string; name: string }): string => `${t.schema}.${t.name}`;

interface SideState {
  version: { num: number; text: string };
  tables: TableInfo[];
  sequences: SequenceInfo[];
}

async function readSide(client: pg.Client): Promise<SideState> {
  return {
    version: await serverVersion(client),
    tables: await listTables(client),
    sequences: await listSequences(client),
  };
}

/**
 * Reads v1 and v2, decides how each table is loaded, and checks every precondition. Throws
 * {@link PostgresCopyRefusal} listing every unmet one; nothing on either side changes.
 */
export async function planPostgresCopy(
  source: PostgresEndpoint,
  target: PostgresEndpoint,
  options: PostgresCopyOptions,
): Promise<PostgresCopyPlan> {
  const jobs = options.jobs ?? DEFAULT_JOBS;
  if (!Number.isInteger(jobs) || jobs < 1)
    throw new RangeError(`jobs must be a whole number ≥ 1 (got ${jobs})`);
  if (options.ranges !== undefined && (!Number.isInteger(options.ranges) || options.ranges < 1)) {
    throw new RangeError(`ranges must be a whole number ≥ 1 (got ${options.ranges})`);
  }
  const allowNonEmptyTarget = options.allowNonEmptyTarget ?? false;
  const problems: string[] = [];
  const warnings: string[] = [];

  return withPostgres(
    source,
    async (v1) =>
      withPostgres(
        target,
        async (v2) => {
          const one = await readSide(v1);
          const two = await readSide(v2);
          const where = describeEndpoint(target);
          let targetNonEmpty = false;

          let pgDump: PgDumpBinary | undefined;
          if (options.schema === 'copy') {
            const checked = await checkPgDump(options.pgDump, one.version.num);
            if ('problem' in checked) problems.push(checked.problem);
            else pgDump = checked.binary;

            const relations = await listRelations(v2);
            if (relations.length > 0) {
              targetNonEmpty = true;
              if (!allowNonEmptyTarget) {
                problems.push(
                  `${where} is not empty: it has ${relations.length} table(s) (${listOf(relations)}). ` +
                    `schema: copy expects an empty v2; to re-run a copy that was killed or completed, set ` +
                    `allow-non-empty-target (objects already there are kept, each of v1's tables is emptied ` +
                    `and loaded again)`,
                );
              } else {
                problems.push(
                  ...existingTableDifferences(one.tables, two.tables).map((d) => `on a re-run, ${d}`),
                );
                const extra = relations.filter((r) => !one.tables.some((t) => nameOf(t) === r));
                if (extra.length > 0)
                  warnings.push(`v2 has tables v1 does not, left as they are: ${listOf(extra)}`);
              }
            }
            const missing = await missingRoles(v2, await rolesInGrants(v1));
            if (missing.length > 0) {
              problems.push(
                `v1 grants privileges to role(s) ${listOf(missing)}, which ${where} does not have: roles belong ` +
                  `to the server, not the database, so create them on v2 first (\`pg_dumpall --roles-only\` ` +
                  `on v1 lists them) and re-run`,
              );
            }
          } else {
            problems.push(...schemaDifferences(one, two));
            if (problems.length === 0) {
              const withRows = await tablesWithRows(v2, two.tables);
              if (withRows.length > 0) {
                targetNonEmpty = true;
                if (!allowNonEmptyTarget) {
                  problems.push(
                    `${where} already holds rows in ${listOf(withRows)}. schema: existing expects the ` +
                      `application's migrations to have made empty tables; to re-run a copy that was killed ` +
                      `or completed, or to replace rows the migrations seeded, set allow-non-empty-target ` +
                      `(each table is then emptied and loaded again with v1's rows)`,
                  );
                }
              }
            }
          }

          // Foreign keys on v2 while loading: none on a fresh schema copy (they come with post-data), the
          // application's on schema: existing, and the earlier run's on a re-run.
          const names = one.tables.map(nameOf);
          const fk = foreignKeyLevels(names, await readForeignKeys(v2));
          for (const cycle of fk.cycles) {
            problems.push(
              `foreign keys on v2 form a cycle (${cycle.join(' → ')} → ${cycle[0]}), so no order loads these ` +
                `tables: drop one of those foreign keys on v2 before the copy and add it back after`,
            );
          }
          if (problems.length > 0) throw new PostgresCopyRefusal(problems);

          const needsText = await tablesNeedingText(v1);
          const tables: PlannedTable[] = [];
          for (const table of one.tables) {
            const name = nameOf(table);
            // A table referencing itself loads in one COPY: its foreign key is checked at the end of the
            // statement, so a row may point at one that comes later.
            const parts = fk.selfReferencing.has(name) ? 1 : (options.ranges ?? defaultRangeCount(table));
            const ranges = await planKeyRanges(v1, table, parts);
            tables.push({
              table,
              qualified: qualifiedName(table),
              ranges,
              level: fk.level.get(name) ?? 0,
              format: needsText.has(name) ? 'text' : 'binary',
              truncate: ranges.length === 1 && !fk.related.has(name) ? 'in-load' : 'before-load',
            });
          }
          const steps: CopyStep[] =
            options.schema === 'copy'
              ? ['snapshot', 'pre-data', 'data', 'post-data', 'sequences', 'analyze']
              : ['snapshot', 'data', 'sequences', 'analyze'];
          return new PostgresCopyPlan(
            options.schema,
            jobs,
            tables,
            one.sequences,
            steps,
            one.version.text,
            two.version.text,
            targetNonEmpty,
            warnings,
            pgDump,
            {
              source,
              target,
              log: options.log ?? (() => undefined),
              snapshot: options.snapshot ?? coordinatorSnapshot,
              progressIntervalSeconds: options.progressIntervalSeconds ?? 5,
              allowNonEmptyTarget,
              ...(options.sslRootCert !== undefined ? { sslRootCert: options.sslRootCert } : {}),
              ...(options.loader ? { loader: options.loader } : {}),
            },
          );
        },
        'copy plan',
      ),
    'copy plan',
  );
}
