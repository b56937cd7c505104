import type { PostgresEndpoint } from '../connection.js';
import type { RowDigest } from './row-hash.js';

export interface ParityOptions {
  /**
   * Primary-key ranges per table: one count for every table, or counts per table (`schema.table`) with the
   * rest at their default (from the table's size). A table without a single-column key is one range.
   */
  ranges?: number | Record<string, number>;
  /** Differences listed per table (keys) and in the schema check before "and N more". */
  maxDifferencesListed: number;
  /** Sessions per side, each comparing one range at a time. */
  jobs: number;
  log?: (line: string) => void;
  /** Row digest; by default the faster one both servers compute alike (digest.ts). `md5` forces the portable one. */
  digest?: RowDigest;
  /**
   * While replication carries v1's writes to v2, the two sides are read at one consistent cut instead of
   * at the same instant (which would find every write in flight): see replication-cut.ts.
   */
  cut?: ConsistentCut;
}

/** A moment at which v2 holds exactly what v1 holds, made by holding v1's writes for its duration. */
export interface ConsistentCut {
  /** Holds v1's commits; resolves once none can happen. */
  hold(): Promise<void>;
  /** After v1's snapshot is open: resolves once v2 applied everything v1 committed. */
  caughtUp(): Promise<void>;
  /** After v2's snapshot is open: v1 commits again. Called whatever happened. */
  release(): Promise<void>;
}

export type Side = PostgresEndpoint['side'];

/** What makes one schema object differ. */
export type SchemaDifferenceKind =
  'table' | 'column' | 'index' | 'constraint' | 'extension' | 'sequence' | 'encoding';

/** One way in which v2's schema is not v1's: an object missing on one side, or defined differently. */
export interface SchemaDifference {
  kind: SchemaDifferenceKind;
  /** The object, e.g. `"public"."payments"` or `index payments_pkey on "public"."payments"`. */
  object: string;
  /** How it is on v1 (absent: not on v1). */
  v1?: string;
  /** How it is on v2 (absent: not on v2). */
  v2?: string;
}

/** A key range whose count or checksum differs between the sides. */
export interface RangeDifference {
  index: number;
  lower?: string;
  upper?: string;
  v1Rows: number;
  v2Rows: number;
}

/** One row that differs: keyed by its primary key's text rendering. */
export interface KeyDifference {
  key: string;
  /** `missing-on-v2`: only v1 has it; `extra-on-v2`: only v2 has it; `changed`: both, with other content. */
  kind: 'missing-on-v2' | 'extra-on-v2' | 'changed';
}

export type TableParityStatus = 'equal' | 'different' | 'missing-on-v2' | 'extra-on-v2';

/** The content comparison of one table. */
export interface TableParity {
  schema: string;
  name: string;
  /** `"schema"."name"`, as the report names it. */
  table: string;
  status: TableParityStatus;
  /** Absent when the table is not on that side. */
  v1Rows?: number;
  v2Rows?: number;
  /** Key ranges the table was compared in (1: the whole table at once). */
  ranges: number;
  /** The key column the ranges are cut on, when there are ranges. */
  rangeKey?: string;
  differingRanges: RangeDifference[];
  /** Up to maxDifferencesListed keys, when the differing ranges were small enough to list them. */
  differingKeys: KeyDifference[];
  /** Tables without a primary key: rows (with duplicates counted) found on one side only. */
  rowsOnlyOnV1?: number;
  rowsOnlyOnV2?: number;
  /** Why keys were not (all) listed, e.g. the range was too large. */
  keysNote?: string;
  /** Wall time from the first range started to the last one done. */
  seconds: number;
}

export type SequenceParityStatus = 'equal' | 'ahead' | 'behind' | 'missing-on-v2' | 'extra-on-v2';

/** A sequence's next value on both sides. v2 behind v1 would hand out keys v1 already used. */
export interface SequenceParity {
  schema: string;
  name: string;
  sequence: string;
  status: SequenceParityStatus;
  /** What nextval would return (bigint as text); absent when the sequence is not on that side. */
  v1Next?: string;
  v2Next?: string;
}
