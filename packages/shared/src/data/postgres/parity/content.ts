import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import type { TableInfo } from '../catalog.js';
import { describeEndpoint, qualifiedName, type PostgresEndpoint } from '../connection.js';
import { describeRange, planKeyRanges, rangePredicate, type KeyRange } from '../ranges.js';
import { ParityError } from './errors.js';
import { differingKeys, KEY_LISTING_ROW_LIMIT, unmatchedRows } from './key-differences.js';
import { runInLanes } from './lanes.js';
import { columnForms, type ColumnForms } from './column-forms.js';
import { checksumQuery, columnOrder, type RowDigest } from './row-hash.js';
import { typesCastThroughOutput } from './text-casts.js';
import type { RangeDifference, TableParity } from './types.js';

/** One side's sessions, all in that side's snapshot; lane i uses session i. */
export interface ContentSide {
  endpoint: PostgresEndpoint;
  sessions: pg.Client[];
}

export interface ContentOptions {
  /** Ranges to cut a table (present on v1) into. */
  rangeCount(table: TableInfo): number;
  maxDifferencesListed: number;
  jobs: number;
  log: (line: string) => void;
  digest: RowDigest;
}

interface RangeSum {
  rows: number;
  sum1: string;
  sum2: string;
}

/** A table as it is compared: its info on each side, its ranges, and what each range summed to. */
interface TablePlan {
  table: string;
  v1?: TableInfo;
  v2?: TableInfo;
  /** v1's primary key when v2 has those columns too; [] otherwise (one range, no keys to list). */
  key: string[];
  ranges: KeyRange[];
  /** How each column is hashed, decided from both sides' columns so that both hash it alike. */
  forms: ColumnForms;
  sums: Map<number, { v1?: RangeSum; v2?: RangeSum }>;
  pending: number;
  started?: number;
  ended?: number;
}

function rangeLabel(plan: TablePlan, range: KeyRange): string {
  if (plan.ranges.length <= 1) return 'whole table';
  return `range ${range.index + 1} of ${plan.ranges.length} (${plan.key[0]} ${describeRange(range)})`;
}

/** A failed query, named by table, range and side; pg's message carries no password. */
function failed(
  what: string,
  plan: TablePlan,
  range: KeyRange | undefined,
  side: ContentSide,
  error: unknown,
) {
  const where = range ? ` ${rangeLabel(plan, range)}` : '';
  return new ParityError(
    `${what} of ${plan.table}${where} on ${describeEndpoint(side.endpoint)} failed: ${(error as Error).message}`,
    { cause: error },
  );
}

async function checksum(
  side: ContentSide,
  lane: number,
  plan: TablePlan,
  table: TableInfo,
  range: KeyRange,
  digest: RowDigest,
  castThroughOutput: ReadonlySet<string>,
): Promise<RangeSum> {
  // The predicate is v1's on both sides: the same bounds, cast to v1's key type, cut both at the same keys.
  const { sql, params } = rangePredicate(plan.v1 ?? table, range);
  try {
    const result = await side.sessions[lane]!.query<{ rows: string; sum1: string; sum2: string }>(
      checksumQuery(table.columns, table, sql, { digest, forms: plan.forms, castThroughOutput }),
      params,
    );
    const row = result.rows[0]!;
    return { rows: Number(row.rows), sum1: row.sum1, sum2: row.sum2 };
  } catch (error) {
    throw failed('checksum', plan, range, side, error);
  }
}

function differingRanges(plan: TablePlan): RangeDifference[] {
  if (!plan.v1 || !plan.v2) return [];
  const differing: RangeDifference[] = [];
  for (const range of plan.ranges) {
    const { v1, v2 } = plan.sums.get(range.index)!;
    if (v1!.rows === v2!.rows && v1!.sum1 === v2!.sum1 && v1!.sum2 === v2!.sum2) continue;
    const difference: RangeDifference = { index: range.index, v1Rows: v1!.rows, v2Rows: v2!.rows };
    if (range.lower !== undefined) difference.lower = range.lower;
    if (range.upper !== undefined) difference.upper = range.upper;
    differing.push(difference);
  }
  return differing;
}

function rowsOn(plan: TablePlan, side: 'v1' | 'v2'): number {
  return [...plan.sums.values()].reduce((sum, s) => sum + (s[side]?.rows ?? 0), 0);
}

function sameColumnNames(a: TableInfo, b: TableInfo): boolean {
  return columnOrder(a.columns).join('\0') === columnOrder(b.columns).join('\0');
}

/** What the hashtext digest needs to know of a side's server to hash its rows. */
interface SideFacts {
  /** The types of its columns that it renders by cast (text-casts.ts). */
  castThroughOutput: Set<string>;
  /** server_version_num, e.g. 150018. */
  version: number;
}

async function factsOf(
  side: ContentSide,
  tables: readonly TableInfo[],
  digest: RowDigest,
): Promise<SideFacts> {
  if (digest !== 'hashtext') return { castThroughOutput: new Set(), version: 0 };
  try {
    const session = side.sessions[0]!;
    const castThroughOutput = await typesCastThroughOutput(session, tables);
    const version = await session.query<{ v: number }>(
      "SELECT pg_catalog.current_setting('server_version_num')::int AS v",
    );
    return { castThroughOutput, version: version.rows[0]!.v };
  } catch (error) {
    throw new ParityError(
      `reading how ${describeEndpoint(side.endpoint)} renders its column types failed: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/**
 * Compares the content of every table on either side: count and checksum per key range (boundaries
 * planned once on v1, applied to both), ranges in parallel over the lanes; then, for the ranges that
 * differ and are small enough, which keys differ.
 */
export async function compareContent(
  v1: ContentSide,
  v2: ContentSide,
  tables1: readonly TableInfo[],
  tables2: readonly TableInfo[],
  options: ContentOptions,
): Promise<TableParity[]> {
  const plans = new Map<string, TablePlan>();
  const planOf = (name: string): TablePlan => {
    let plan = plans.get(name);
    if (!plan) {
      plan = { table: name, key: [], ranges: [{ index: 0 }], forms: new Map(), sums: new Map(), pending: 0 };
      plans.set(name, plan);
    }
    return plan;
  };
  for (const t of tables1) planOf(qualifiedName(t)).v1 = t;
  for (const t of tables2) planOf(qualifiedName(t)).v2 = t;
  const ordered = [...plans.values()].sort((a, b) => (a.table < b.table ? -1 : 1));

  // Boundaries from v1's key distribution, in v1's snapshot, once per table.
  const splittable = ordered.filter((p) => {
    if (!p.v1 || !p.v2 || p.v1.primaryKey.length === 0) return false;
    const v2Columns = new Set(p.v2.columns.map((c) => c.name));
    return p.v1.primaryKey.every((k) => v2Columns.has(k));
  });
  await runInLanes(splittable, options.jobs, async (plan, lane) => {
    plan.key = [...plan.v1!.primaryKey];
    try {
      plan.ranges = await planKeyRanges(v1.sessions[lane]!, plan.v1!, options.rangeCount(plan.v1!));
    } catch (error) {
      throw failed('planning key ranges', plan, undefined, v1, error);
    }
  });

  const [facts1, facts2] = await Promise.all([
    factsOf(v1, tables1, options.digest),
    factsOf(v2, tables2, options.digest),
  ]);
  const can = { dateBin: Math.min(facts1.version, facts2.version) >= 140000 };
  for (const plan of ordered) plan.forms = columnForms(plan.v1, plan.v2, can);
  const size = (p: TablePlan) => (p.v1 ?? p.v2)!.estimatedBytes / p.ranges.length;
  const tasks = ordered
    .flatMap((plan) => plan.ranges.map((range) => ({ plan, range })))
    // Largest ranges first, so that the last lane to finish is not left with a big one.
    .sort((a, b) => size(b.plan) - size(a.plan));
  for (const { plan } of tasks) plan.pending++;
  await runInLanes(tasks, options.jobs, async ({ plan, range }, lane) => {
    plan.started ??= performance.now();
    const [a, b] = await Promise.all([
      plan.v1
        ? checksum(v1, lane, plan, plan.v1, range, options.digest, facts1.castThroughOutput)
        : undefined,
      plan.v2
        ? checksum(v2, lane, plan, plan.v2, range, options.digest, facts2.castThroughOutput)
        : undefined,
    ]);
    plan.sums.set(range.index, { ...(a ? { v1: a } : {}), ...(b ? { v2: b } : {}) });
    plan.ended = performance.now();
    if (--plan.pending === 0) options.log(progressLine(plan));
  });

  const results = new Map<TablePlan, TableParity>();
  for (const plan of ordered) results.set(plan, summarize(plan));
  const toList = ordered.filter(
    (p) => results.get(p)!.status === 'different' && options.maxDifferencesListed > 0,
  );
  await runInLanes(toList, options.jobs, async (plan, lane) => {
    const result = results.get(plan)!;
    try {
      await listDifferences(
        plan,
        result,
        v1.sessions[lane]!,
        v2.sessions[lane]!,
        options.maxDifferencesListed,
      );
    } catch (error) {
      throw new ParityError(
        `listing the differing keys of ${plan.table} on ${describeEndpoint(v1.endpoint)} and ` +
          `${describeEndpoint(v2.endpoint)} failed: ${(error as Error).message}`,
        { cause: error },
      );
    }
    plan.ended = performance.now();
    result.seconds = seconds(plan);
  });
  return ordered.map((plan) => results.get(plan)!);
}

function seconds(plan: TablePlan): number {
  if (plan.started === undefined || plan.ended === undefined) return 0;
  return Math.round(plan.ended - plan.started) / 1000;
}

function summarize(plan: TablePlan): TableParity {
  const [schema, name] = [(plan.v1 ?? plan.v2)!.schema, (plan.v1 ?? plan.v2)!.name];
  const differing = differingRanges(plan);
  const result: TableParity = {
    schema,
    name,
    table: plan.table,
    status: !plan.v1
      ? 'extra-on-v2'
      : !plan.v2
        ? 'missing-on-v2'
        : differing.length > 0
          ? 'different'
          : 'equal',
    ranges: plan.ranges.length,
    differingRanges: differing,
    differingKeys: [],
    seconds: seconds(plan),
  };
  if (plan.v1) result.v1Rows = rowsOn(plan, 'v1');
  if (plan.v2) result.v2Rows = rowsOn(plan, 'v2');
  if (plan.ranges.length > 1) result.rangeKey = plan.key[0]!;
  return result;
}

function progressLine(plan: TablePlan): string {
  const result = summarize(plan);
  const counts = [
    result.v1Rows === undefined ? 'not on v1' : `v1 ${result.v1Rows} rows`,
    result.v2Rows === undefined ? 'not on v2' : `v2 ${result.v2Rows} rows`,
  ].join(', ');
  const verdict =
    result.status === 'different'
      ? `differs in ${result.differingRanges.length} of ${result.ranges} ranges`
      : result.status === 'equal'
        ? `equal over ${result.ranges} range${result.ranges === 1 ? '' : 's'}`
        : result.status;
  return `parity ${plan.table}: ${counts}; ${verdict} (${result.seconds} s)`;
}

/** Fills in which keys (or, without a key, how many rows) differ, within the differing ranges small enough. */
async function listDifferences(
  plan: TablePlan,
  result: TableParity,
  client1: pg.Client,
  client2: pg.Client,
  limit: number,
): Promise<void> {
  const v1 = { client: client1, table: plan.v1! };
  const v2 = { client: client2, table: plan.v2! };
  const notes: string[] = [];
  if (!sameColumnNames(plan.v1!, plan.v2!)) {
    notes.push('the columns differ (see the schema check), so every row renders differently');
  }
  const tooLarge = (d: RangeDifference) => Math.max(d.v1Rows, d.v2Rows) > KEY_LISTING_ROW_LIMIT;
  if (plan.key.length === 0) {
    const whole = result.differingRanges[0]!;
    if (tooLarge(whole)) {
      notes.push(
        `rows not matched: the table has more than ${KEY_LISTING_ROW_LIMIT} rows and no primary key`,
      );
    } else {
      const rows = await unmatchedRows({ v1, v2 }, { index: 0 });
      result.rowsOnlyOnV1 = rows.onlyOnV1;
      result.rowsOnlyOnV2 = rows.onlyOnV2;
    }
  } else {
    for (const difference of result.differingRanges) {
      const range = plan.ranges[difference.index]!;
      if (tooLarge(difference)) {
        notes.push(
          `keys of ${rangeLabel(plan, range)} not listed: more than ${KEY_LISTING_ROW_LIMIT} rows; ` +
            'give this table more parity-ranges to narrow it down',
        );
        continue;
      }
      const room = limit - result.differingKeys.length;
      if (room <= 0) {
        notes.push(`more differing keys than the ${limit} listed`);
        break;
      }
      const found = await differingKeys({ v1, v2, key: plan.key }, range, room);
      result.differingKeys.push(...found.keys);
      if (found.more) {
        notes.push(`more differing keys than the ${limit} listed`);
        break;
      }
    }
  }
  if (notes.length > 0) result.keysNote = notes.join('; ');
}
