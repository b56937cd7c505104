import { performance } from 'node:perf_hooks';
import type { Check } from '../../../report/report.js';
import { describeEndpoint, type PostgresEndpoint } from '../connection.js';
import { parityChecks, type ParityFindings } from './checks.js';
import { compareContent } from './content.js';
import { chooseDigest } from './digest.js';
import { rangeCounts } from './range-counts.js';
import { diffSchemas, readSchema, type SchemaSnapshot } from './schema.js';
import { compareSequences, readSequences } from './sequences.js';
import { openSnapshotSessions, type SnapshotSessions } from './snapshot-sessions.js';
import type { RowDigest } from './row-hash.js';
import type { ConsistentCut, ParityOptions, SchemaDifference, SequenceParity, TableParity } from './types.js';

/** The outcome of comparing v1 with v2: every difference found, and its rendering as report checks. */
export class PostgresParity {
  constructor(
    private readonly findings: ParityFindings,
    /** Wall time of the whole comparison. */
    readonly seconds: number,
    /** How rows were digested: the faster hash both servers agreed on, or md5. */
    readonly digest: RowDigest,
  ) {}

  get schema(): SchemaDifference[] {
    return this.findings.schema;
  }

  get tables(): TableParity[] {
    return this.findings.tables;
  }

  get sequences(): SequenceParity[] {
    return this.findings.sequences;
  }

  /** No difference in schema, content or sequences (a sequence ahead on v2 is not one). */
  get equal(): boolean {
    return (
      this.schema.length === 0 &&
      this.tables.every((t) => t.status === 'equal') &&
      this.sequences.every(
        (s) =>
          s.status === 'equal' ||
          s.status === 'ahead' ||
          (s.status === 'behind' && this.findings.sequencesCarriedAtCutover === true),
      )
    );
  }

  /** One check for the schema, one per table (id `parity-table`, resource the table), one for sequences. */
  toChecks(): Check[] {
    return parityChecks(this.findings);
  }

  /** For the action's `parity` output. */
  toJSON(): {
    equal: boolean;
    seconds: number;
    digest: RowDigest;
    schema: SchemaDifference[];
    tables: TableParity[];
    sequences: SequenceParity[];
  } {
    return {
      equal: this.equal,
      seconds: this.seconds,
      digest: this.digest,
      schema: this.schema,
      tables: this.tables,
      sequences: this.sequences,
    };
  }
}

function assertOptions(options: ParityOptions): void {
  if (!Number.isInteger(options.jobs) || options.jobs < 1) {
    throw new RangeError(`comparePostgres: jobs must be a whole number, 1 or more (got ${options.jobs})`);
  }
  if (!Number.isInteger(options.maxDifferencesListed) || options.maxDifferencesListed < 0) {
    throw new RangeError(
      `comparePostgres: maxDifferencesListed must be a whole number, 0 or more (got ${options.maxDifferencesListed})`,
    );
  }
}

/** Opens both sides' snapshots together; if one side fails, the other's sessions are closed too. */
async function openBoth(
  v1: PostgresEndpoint,
  v2: PostgresEndpoint,
  jobs: number,
): Promise<[SnapshotSessions, SnapshotSessions]> {
  const [a, b] = await Promise.allSettled([openSnapshotSessions(v1, jobs), openSnapshotSessions(v2, jobs)]);
  if (a.status === 'fulfilled' && b.status === 'fulfilled') return [a.value, b.value];
  if (a.status === 'fulfilled') await a.value.close();
  if (b.status === 'fulfilled') await b.value.close();
  throw a.status === 'rejected' ? a.reason : (b as PromiseRejectedResult).reason;
}

function schemaCounts(schema: SchemaSnapshot): ParityFindings['schemaCounts'] {
  return {
    tables: schema.tables.length,
    columns: schema.tables.reduce((sum, t) => sum + t.columns.length, 0),
    indexes: schema.indexes.size,
    constraints: schema.constraints.size,
    extensions: schema.extensions.size,
  };
}

/**
 * Step 2.4 of the guide, done properly: proves that v2 holds what v1 holds. Each side is read in one
 * snapshot shared by its `jobs` sessions. Compared: the schema (tables of every non-system schema, columns,
 * indexes, constraints, extensions), every table's rows by count and content checksum per primary-key
 * range, and the sequences. Differences are returned, not thrown: the caller fails on `!equal`. Throws
 * when the comparison cannot be made (a connection refused, a query failing), naming side and table.
 */
/**
 * v1's snapshot while its commits are held, then v2's once it has applied them all: both read the same
 * data though the application keeps writing, and v1's writers wait (not fail) for the cut's duration.
 */
async function openAtCut(
  v1: PostgresEndpoint,
  v2: PostgresEndpoint,
  jobs: number,
  cut: ConsistentCut,
  log: (line: string) => void,
): Promise<[SnapshotSessions, SnapshotSessions]> {
  const started = performance.now();
  let side1: SnapshotSessions | undefined;
  try {
    await cut.hold();
    side1 = await openSnapshotSessions(v1, jobs);
    await cut.caughtUp();
    const side2 = await openSnapshotSessions(v2, jobs);
    return [side1, side2];
  } catch (error) {
    await side1?.close();
    throw error;
  } finally {
    await cut.release();
    log(
      `parity: v1's writes held ${Math.round(performance.now() - started)} ms for a consistent cut with v2`,
    );
  }
}

export async function comparePostgres(
  v1: PostgresEndpoint,
  v2: PostgresEndpoint,
  options: ParityOptions,
): Promise<PostgresParity> {
  assertOptions(options);
  const log = options.log ?? (() => undefined);
  const started = performance.now();
  const [side1, side2] = options.cut
    ? await openAtCut(v1, v2, options.jobs, options.cut, log)
    : await openBoth(v1, v2, options.jobs);
  try {
    log(
      `parity: comparing ${describeEndpoint(v1)} with ${describeEndpoint(v2)}, ${options.jobs} session(s) per side`,
    );
    const [leader1, leader2] = [side1.sessions[0]!, side2.sessions[0]!];
    const [schema1, schema2] = await Promise.all([readSchema(leader1), readSchema(leader2)]);
    const [sequences1, sequences2] = await Promise.all([readSequences(leader1), readSequences(leader2)]);
    const rangeCount = rangeCounts(options.ranges, schema1.tables);
    const digest = options.digest ?? (await chooseDigest(leader1, leader2));
    log(`parity: row digest ${digest}`);
    const tables = await compareContent(side1, side2, schema1.tables, schema2.tables, {
      rangeCount,
      maxDifferencesListed: options.maxDifferencesListed,
      jobs: options.jobs,
      log,
      digest,
    });
    const findings: ParityFindings = {
      database: v1.database,
      schema: diffSchemas(schema1, schema2),
      schemaCounts: schemaCounts(schema1),
      tables,
      sequences: compareSequences(sequences1, sequences2),
      maxDifferencesListed: options.maxDifferencesListed,
      ...(options.cut ? { sequencesCarriedAtCutover: true } : {}),
    };
    return new PostgresParity(findings, Math.round(performance.now() - started) / 1000, digest);
  } finally {
    await Promise.all([side1.close(), side2.close()]);
  }
}
