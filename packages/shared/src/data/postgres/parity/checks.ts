import type { Check } from '../../../report/report.js';
import type {
  KeyDifference,
  RangeDifference,
  SchemaDifference,
  SequenceParity,
  TableParity,
} from './types.js';

/** What the checks are drawn from: the comparison's result. */
export interface ParityFindings {
  /** v1's database name, the resource of the schema and sequence checks. */
  database: string;
  schema: SchemaDifference[];
  /** How much of the schema was compared, from v1, for the passing detail. */
  schemaCounts: { tables: number; columns: number; indexes: number; constraints: number; extensions: number };
  tables: TableParity[];
  sequences: SequenceParity[];
  maxDifferencesListed: number;
  /** Sequences are not replicated: behind on v2 while replication runs, set past v1's at cutover. */
  sequencesCarriedAtCutover?: boolean;
}

const count = (n: number): string => n.toLocaleString('en-US');
const plural = (n: number, word: string, words = `${word}s`): string =>
  `${count(n)} ${n === 1 ? word : words}`;

/** The first `max` items, then "and N more". */
function capped(items: string[], max: number): string {
  const shown = items.slice(0, Math.max(1, max));
  const rest = items.length - shown.length;
  return rest > 0 ? `${shown.join('; ')}; and ${count(rest)} more` : shown.join('; ');
}

export function describeSchemaDifference(d: SchemaDifference): string {
  const definition = (text: string | undefined) =>
    d.kind === 'table' || d.kind === 'extension' || text === undefined ? '' : ` (${text})`;
  if (d.v2 === undefined) return `${d.object} missing on v2${definition(d.v1)}`;
  if (d.v1 === undefined) return `${d.object} only on v2${definition(d.v2)}`;
  return `${d.object}: v1 ${d.v1}, v2 ${d.v2}`;
}

function schemaCheck(findings: ParityFindings): Check {
  const base = { id: 'parity-schema', title: 'Schema of v2 matches v1', resource: findings.database };
  if (findings.schema.length === 0) {
    const c = findings.schemaCounts;
    return {
      ...base,
      status: 'pass',
      detail:
        `same ${plural(c.tables, 'table')}, ${plural(c.columns, 'column')}, ${plural(c.indexes, 'index', 'indexes')}` +
        `, ${plural(c.constraints, 'constraint')}, ${plural(c.extensions, 'extension')}`,
    };
  }
  return {
    ...base,
    status: 'fail',
    detail:
      `${plural(findings.schema.length, 'difference')}: ` +
      capped(findings.schema.map(describeSchemaDifference), findings.maxDifferencesListed) +
      `. v2's schema must be v1's: copy it again (migrate-data, schema: copy) or align the application's migrations`,
  };
}

function describeRange(table: TableParity, d: RangeDifference): string {
  const bounds = table.ranges > 1 ? ` (${table.rangeKey} [${d.lower ?? '-∞'}, ${d.upper ?? '+∞'}))` : '';
  const where = table.ranges > 1 ? `range ${d.index + 1} of ${table.ranges}${bounds}` : 'whole table';
  const counts =
    d.v1Rows === d.v2Rows
      ? `${count(d.v1Rows)} rows each`
      : `v1 ${count(d.v1Rows)}, v2 ${count(d.v2Rows)} rows`;
  return `${where}: ${counts}`;
}

const KEY_KINDS: Record<KeyDifference['kind'], string> = {
  'missing-on-v2': 'missing on v2',
  'extra-on-v2': 'only on v2',
  changed: 'changed',
};

function tableDetail(table: TableParity, max: number): string {
  const parts: string[] = [];
  const rows = (side: 'v1' | 'v2', n: number | undefined) =>
    n === undefined ? `not on ${side}` : `${side} ${plural(n, 'row')}`;
  parts.push(`${rows('v1', table.v1Rows)}, ${rows('v2', table.v2Rows)}`);
  switch (table.status) {
    case 'equal':
      parts.push(`checksum equal${table.ranges > 1 ? ` over ${count(table.ranges)} ranges` : ''}`);
      break;
    case 'different':
      parts.push(
        `checksum differs in ${capped(
          table.differingRanges.map((d) => describeRange(table, d)),
          max,
        )}`,
      );
      if (table.differingKeys.length > 0) {
        parts.push(
          `differing keys: ${table.differingKeys.map((k) => `${k.key} ${KEY_KINDS[k.kind]}`).join(', ')}`,
        );
      }
      if (table.rowsOnlyOnV1 !== undefined && table.rowsOnlyOnV2 !== undefined) {
        parts.push(
          `no primary key: ${plural(table.rowsOnlyOnV1, 'row')} only on v1, ${plural(table.rowsOnlyOnV2, 'row')} only on v2 (each copy of a duplicated row counts)`,
        );
      }
      if (table.keysNote) parts.push(table.keysNote);
      break;
    case 'missing-on-v2':
      parts.push('the table is missing on v2: copy it (migrate-data)');
      break;
    case 'extra-on-v2':
      parts.push('the table is only on v2: drop it there, or find what created it');
      break;
  }
  parts.push(`${table.seconds.toFixed(2)} s`);
  return parts.join('; ');
}

function tableCheck(table: TableParity, max: number): Check {
  return {
    id: 'parity-table',
    title: 'Table content of v2 matches v1',
    resource: table.table,
    status: table.status === 'equal' ? 'pass' : 'fail',
    detail: tableDetail(table, max),
  };
}

function sequenceCheck(findings: ParityFindings): Check {
  const base = {
    id: 'parity-sequences',
    title: 'Sequences of v2 at or ahead of v1',
    resource: findings.database,
  };
  const sequences = findings.sequences;
  if (sequences.length === 0) return { ...base, status: 'pass', detail: 'no sequences on either side' };
  const listed = (status: SequenceParity['status']) =>
    sequences
      .filter((s) => s.status === status)
      .map((s) =>
        s.v1Next && s.v2Next ? `${s.sequence} (v1 next ${s.v1Next}, v2 next ${s.v2Next})` : s.sequence,
      );
  const behindAll = listed('behind');
  const carried = findings.sequencesCarriedAtCutover ? behindAll : [];
  const behind = findings.sequencesCarriedAtCutover ? [] : behindAll;
  const missing = listed('missing-on-v2');
  const extra = listed('extra-on-v2');
  const ahead = listed('ahead');
  const equal = sequences.filter((s) => s.status === 'equal').length;
  const aheadNote =
    ahead.length > 0
      ? `${count(ahead.length)} ahead of v1 (${capped(ahead, findings.maxDifferencesListed)})`
      : '';
  if (behind.length + missing.length + extra.length === 0) {
    return {
      ...base,
      status: 'pass',
      detail: [
        `${plural(sequences.length, 'sequence')}: ${count(equal)} at v1's next value`,
        aheadNote,
        carried.length > 0
          ? `${count(carried.length)} behind v1 while replication runs (sequences are not replicated; the cutover sets each past v1's with its headroom)`
          : '',
      ]
        .filter(Boolean)
        .join(', '),
    };
  }
  const max = findings.maxDifferencesListed;
  const problems = [
    behind.length > 0
      ? `behind v1 on v2, so v2 would hand out values v1 already used: ${capped(behind, max)}`
      : '',
    missing.length > 0 ? `missing on v2: ${capped(missing, max)}` : '',
    extra.length > 0 ? `only on v2: ${capped(extra, max)}` : '',
    aheadNote,
  ].filter(Boolean);
  return {
    ...base,
    status: 'fail',
    detail: `${problems.join('; ')}. Set v2's sequences from v1's (migrate-data's postgres step does) before the cutover`,
  };
}

/** The comparison as report checks: the schema, one row per table (the job summary's table), the sequences. */
export function parityChecks(findings: ParityFindings): Check[] {
  return [
    schemaCheck(findings),
    ...findings.tables.map((t) => tableCheck(t, findings.maxDifferencesListed)),
    sequenceCheck(findings),
  ];
}
