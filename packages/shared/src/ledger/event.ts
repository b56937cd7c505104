/*
 * What the ledger records: one event per parameter. The names below are the guide's vocabulary for the
 * migration's steps; the type union stays open so that later phases (cutover, bake, rollback, cleanup)
 * add their events without a change here.
 */

/** Events of Phases 1 and 2 (cutover-started, bake-verdict, rolled-back, ... come with Phase 3). */
export type KnownLedgerEventType =
  'v2-verified' | 'parity-passed' | 'parity-failed' | 'data-copied' | 'backup-made';

/** Any kebab-case name is accepted; the known ones are offered by the editor. */
export type LedgerEventType = KnownLedgerEventType | (string & {});

/** Kebab-case, a letter first, at most 64 characters: safe in a log line and a summary table. */
export const EVENT_TYPE_PATTERN = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
export const MAX_EVENT_TYPE_LENGTH = 64;

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** The workflow run that recorded the event (github/run-context.ts); all absent outside Actions. */
export interface RunRecord {
  url?: string;
  id?: string;
  attempt?: number;
  actor?: string;
  workflow?: string;
}

/** One review of the run's environment gate, from GitHub's review history of the run. */
export interface Review {
  login: string;
  state: 'approved' | 'rejected' | 'pending';
  /** The environments the review covered, e.g. `dev-cutover`. */
  environments: string[];
  comment?: string;
}

/**
 * Who approved the run's environment gate. Unknown (with the reason) outside Actions, without a token,
 * or when GitHub refuses: the event is still recorded, because the approval gate itself is GitHub's to
 * enforce and the record says honestly that it could not tell.
 */
export type Approvers = { known: true; reviews: Review[] } | { known: false; reason: string };

/** What a caller hands to `Ledger.append`; the ledger adds the environment, the run and the approvers. */
export interface LedgerEventDraft {
  type: LedgerEventType;
  /** Type-specific facts (a verdict, counts, names). Stored as JSON: never a secret here. */
  data?: JsonObject;
  /**
   * Secret values the event must keep (e.g. a SecureString's value that cutover replaces, for rollback).
   * An event with any is stored as a SecureString parameter and read back WithDecryption, and its values
   * are masked whenever the event is written or read.
   */
  secrets?: Record<string, string>;
  /** AWS request ids of the mutating calls the event covers (`output.$metadata.requestId`). */
  requestIds?: string[];
  /**
   * Makes the append idempotent: when an event with this id is already in the ledger, append returns
   * it instead of recording a second one. Random by default.
   */
  id?: string;
}

/** An event as read back from the ledger. */
export interface LedgerEvent {
  /** Position in the ledger: 1 for the first event. */
  sequence: number;
  /** The head parameter's name, `/db-migration/{env}/ledger/000042`. */
  name: string;
  id: string;
  type: LedgerEventType;
  environment: string;
  /** AWS's time of the append: the head parameter's LastModifiedDate, never the runner's clock. */
  at: Date;
  run: RunRecord;
  approvers: Approvers;
  requestIds: string[];
  data: JsonObject;
  /** Whether the event is kept as SecureString (it has secrets). */
  secure: boolean;
  /**
   * The event's secret values. Not enumerable, so that JSON.stringify (an output, the summary) and a
   * plain console.log of the event leave them out; read them by name.
   */
  readonly secrets: Readonly<Record<string, string>>;
}
