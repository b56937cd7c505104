import { randomUUID } from 'node:crypto';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { maskSecret } from '../action/mask.js';
import { readRunContext, type RunContext } from '../github/run-context.js';
import { redact } from '../secrets/redact.js';
import { approvalsSourceFromEnv, readApprovals } from './approvals.js';
import {
  FORMAT_VERSION,
  decodeHead,
  decodeParts,
  encodeEvent,
  type EventDocument,
  type PartsHead,
} from './codec.js';
import { describeEvent } from './describe.js';
import { LedgerCorruptError, LedgerRefusal, type LedgerProblem } from './errors.js';
import {
  EVENT_TYPE_PATTERN,
  MAX_EVENT_TYPE_LENGTH,
  type Approvers,
  type LedgerEvent,
  type LedgerEventDraft,
  type RunRecord,
} from './event.js';
import { eventParameterName, ledgerPath, partName, sequenceOf } from './names.js';
import { LedgerStore, type StoredParameter } from './ssm-store.js';
import { LedgerView } from './view.js';

export interface LedgerOptions {
  /** A client for the Region that holds the ledger (the primary Region). */
  ssm: SSMClient;
  environment: string;
  /** The run recorded on every event; read from the runner's variables by default. */
  run?: RunContext;
  /**
   * Who approved the run's environment gate, asked once per ledger on the first append. By default
   * GitHub's review history of the run through GITHUB_API_URL with GITHUB_TOKEN.
   */
  approvers?: () => Promise<Approvers>;
  /** Where progress goes (an action passes core.info); every line is redacted first. */
  log?: (line: string) => void;
  /** Called with every secret value an event carries, written or read; masks it in the runner's log by default. */
  onSecret?: (value: string) => void;
  /** How many numbers an append tries while other writers keep taking them. */
  maxAppendAttempts?: number;
}

export interface AppendOptions {
  /**
   * Whether the event is still valid to record, asked of the ledger as read just before the append and
   * again after every concurrent writer: `true`, or the reason to refuse (e.g. "the environment is
   * already cut over"). Because an append only succeeds on the number right after the events the
   * predicate saw, the event is recorded only if it held on exactly the ledger it lands in.
   */
  expect?: (ledger: LedgerView) => true | string;
}

/**
 * The migration's record for one environment, kept as SSM parameters: one per event, created without
 * overwrite, so that the create is the atomic append and a writer racing for the same number is told
 * ParameterAlreadyExists instead of replacing what the other wrote.
 */
export class Ledger {
  readonly environment: string;
  readonly path: string;
  private readonly store: LedgerStore;
  private readonly run: RunContext;
  private readonly askApprovers: () => Promise<Approvers>;
  private approvers?: Promise<Approvers>;
  private readonly log: (line: string) => void;
  private readonly onSecret: (value: string) => void;
  private readonly maxAppendAttempts: number;

  constructor(options: LedgerOptions) {
    this.path = ledgerPath(options.environment);
    this.environment = options.environment;
    this.store = new LedgerStore(options.ssm, this.path);
    this.run = options.run ?? readRunContext();
    const run = this.run;
    this.askApprovers = options.approvers ?? (() => readApprovals(approvalsSourceFromEnv(run)));
    const log = options.log ?? (() => undefined);
    this.log = (line) => log(redact(line));
    this.onSecret = options.onSecret ?? maskSecret;
    this.maxAppendAttempts = options.maxAppendAttempts ?? 10;
  }

  /** Every event in order, or a LedgerCorruptError naming each parameter that is not one. */
  async read(): Promise<LedgerView> {
    const heads = await this.store.list();
    const problems: LedgerProblem[] = [];
    const events: LedgerEvent[] = [];
    const withParts: Array<{ parameter: StoredParameter; sequence: number; head: PartsHead }> = [];
    for (const parameter of heads) {
      const sequence = sequenceOf(this.path, parameter.name);
      if (sequence === undefined) {
        problems.push(
          problem(parameter, 'its name is not a ledger sequence number (six digits, from 000001)'),
        );
        continue;
      }
      try {
        const decoded = decodeHead(parameter.value);
        if ('parts' in decoded) withParts.push({ parameter, sequence, head: decoded.parts });
        else events.push(this.toEvent(parameter, sequence, decoded.document));
      } catch (error) {
        problems.push(problem(parameter, (error as Error).message));
      }
    }
    if (withParts.length > 0) {
      const names = withParts.flatMap(({ head }) => partNames(this.environment, head));
      const parts = await this.store.getMany(names);
      for (const { parameter, sequence, head } of withParts) {
        try {
          const texts = partNames(this.environment, head).map((name) => {
            const part = parts.get(name);
            if (!part) throw new Error(`its part ${name} is missing`);
            return part.value;
          });
          events.push(this.toEvent(parameter, sequence, decodeParts(head, texts)));
        } catch (error) {
          problems.push(problem(parameter, (error as Error).message));
        }
      }
    }
    if (problems.length > 0) {
      problems.sort((a, b) => a.name.localeCompare(b.name));
      throw new LedgerCorruptError(this.environment, this.path, problems);
    }
    return new LedgerView(this.environment, events);
  }

  /**
   * Records an event after the last one and returns it as read back, with AWS's time of the append.
   * Refuses (LedgerRefusal, nothing written) when `expect` does not hold; when another writer takes
   * the number first, reads again and tries the next number while `expect` still holds.
   */
  async append(draft: LedgerEventDraft, options: AppendOptions = {}): Promise<LedgerEvent> {
    checkDraft(draft, this.environment);
    const secrets = draft.secrets ?? {};
    const secure = Object.keys(secrets).length > 0;
    for (const value of Object.values(secrets)) this.onSecret(value);
    const document: EventDocument = {
      v: FORMAT_VERSION,
      id: draft.id ?? randomUUID(),
      type: draft.type,
      environment: this.environment,
      run: runRecord(this.run),
      approvers: await this.approversOnce(),
      requestIds: [...(draft.requestIds ?? [])],
      data: draft.data ?? {},
      ...(secure ? { secrets: { ...secrets } } : {}),
    };
    const encoded = encodeEvent(document);
    const partList = encoded.parts.map((_, i) => partName(this.environment, encoded.digest, i + 1));

    const first = await this.read();
    const earlier = first.byId(document.id);
    if (earlier) {
      this.log(
        `Ledger ${this.environment}: ${describeEvent(earlier)} is already recorded; not recording it again.`,
      );
      return earlier;
    }
    let view = first;
    let floor = 1;
    let partsWritten = false;
    for (let attempt = 1; attempt <= this.maxAppendAttempts; attempt += 1) {
      const verdict = options.expect ? options.expect(view) : true;
      if (verdict !== true) {
        if (partsWritten) await this.store.deleteQuietly(partList);
        throw new LedgerRefusal(this.environment, draft.type, verdict, view.since(first.last ?? noEvent));
      }
      if (!partsWritten) {
        // Content-addressed: a part that already exists holds this very text.
        await Promise.all(encoded.parts.map((part, i) => this.store.create(partList[i]!, part, secure)));
        partsWritten = true;
      }
      const sequence = Math.max(view.nextSequence, floor);
      const name = eventParameterName(this.environment, sequence);
      if (await this.store.create(name, encoded.head, secure)) {
        return this.recorded(name, sequence, document);
      }
      // Taken: by this very event when the SDK retried a create whose answer was lost, else by another writer.
      const other = await this.readEvent(name, sequence);
      if (other?.id === document.id) return this.recorded(name, sequence, document);
      this.log(
        `Ledger ${this.environment}: ${name} was just taken by ` +
          `${other ? describeEvent(other) : 'an event that is gone again'}; reading the ledger again.`,
      );
      view = await this.read();
      if (other) view = view.with(other);
      floor = sequence + 1;
    }
    if (partsWritten) await this.store.deleteQuietly(partList);
    throw new Error(
      `Could not record ${draft.type} in the ledger of ${this.environment} (${this.path}): other writers took ` +
        `the next number ${this.maxAppendAttempts} times in a row. Nothing was written; re-run the step when the ` +
        'other runs for this environment have finished.',
    );
  }

  private approversOnce(): Promise<Approvers> {
    this.approvers ??= this.askApprovers().catch((error: unknown): Approvers => ({
      known: false,
      reason: `reading them failed: ${(error as Error).message}`,
    }));
    return this.approvers;
  }

  /** The event just created, with the parameter's AWS-side time read back (PutParameter does not return it). */
  private async recorded(name: string, sequence: number, document: EventDocument): Promise<LedgerEvent> {
    const parameter = await this.store.get(name);
    if (!parameter?.lastModifiedDate) {
      throw new Error(
        `The ledger event ${name} was created but cannot be read back; check ssm:GetParameter on ${this.path}/*.`,
      );
    }
    const event = this.toEvent(parameter, sequence, document);
    this.log(`Ledger ${this.environment}: recorded ${describeEvent(event)}.`);
    return event;
  }

  /** One event by name, parts included; undefined when it is gone. */
  private async readEvent(name: string, sequence: number): Promise<LedgerEvent | undefined> {
    const parameter = await this.store.get(name);
    if (!parameter) return undefined;
    try {
      const decoded = decodeHead(parameter.value);
      if (!('parts' in decoded)) return this.toEvent(parameter, sequence, decoded.document);
      const names = partNames(this.environment, decoded.parts);
      const parts = await this.store.getMany(names);
      const texts = names.map((n) => parts.get(n)?.value ?? '');
      return this.toEvent(parameter, sequence, decodeParts(decoded.parts, texts));
    } catch (error) {
      throw new LedgerCorruptError(this.environment, this.path, [
        problem(parameter, (error as Error).message),
      ]);
    }
  }

  private toEvent(parameter: StoredParameter, sequence: number, document: EventDocument): LedgerEvent {
    if (!parameter.lastModifiedDate) throw new Error('SSM returned it without a LastModifiedDate');
    if (document.environment !== this.environment) {
      throw new Error(`it records an event of environment ${document.environment}, not ${this.environment}`);
    }
    const secrets = document.secrets ?? {};
    const secure = Object.keys(secrets).length > 0;
    if (secure && parameter.type !== 'SecureString') {
      throw new Error('it holds secret values but is not a SecureString');
    }
    for (const value of Object.values(secrets)) this.onSecret(value);
    const event: Omit<LedgerEvent, 'secrets'> = {
      sequence,
      name: parameter.name,
      id: document.id,
      type: document.type,
      environment: document.environment,
      at: parameter.lastModifiedDate,
      run: document.run,
      approvers: document.approvers,
      requestIds: document.requestIds,
      data: document.data,
      secure,
    };
    // Not enumerable: JSON.stringify and console.log of an event leave the secrets out.
    Object.defineProperty(event, 'secrets', { value: Object.freeze({ ...secrets }), enumerable: false });
    return event as LedgerEvent;
  }
}

/** An event before the first: `since(noEvent)` is every event. */
const noEvent = { sequence: 0 } as LedgerEvent;

function partNames(environment: string, head: PartsHead): string[] {
  return Array.from({ length: head.parts.count }, (_, i) => partName(environment, head.parts.sha256, i + 1));
}

function problem(parameter: StoredParameter, what: string): LedgerProblem {
  return {
    name: parameter.name,
    version: parameter.version,
    ...(parameter.lastModifiedDate ? { lastModifiedDate: parameter.lastModifiedDate } : {}),
    problem: what,
  };
}

function runRecord(run: RunContext): RunRecord {
  return {
    ...(run.runUrl !== undefined ? { url: run.runUrl } : {}),
    ...(run.runId !== undefined ? { id: run.runId } : {}),
    ...(run.attempt !== undefined ? { attempt: run.attempt } : {}),
    ...(run.actor !== undefined ? { actor: run.actor } : {}),
    ...(run.workflow !== undefined ? { workflow: run.workflow } : {}),
  };
}

/** A programming error in the caller, caught before any AWS call. */
function checkDraft(draft: LedgerEventDraft, environment: string): void {
  if (draft.type.length > MAX_EVENT_TYPE_LENGTH || !EVENT_TYPE_PATTERN.test(draft.type)) {
    throw new Error(
      `A ledger event's type must be kebab-case, a letter first, at most ${MAX_EVENT_TYPE_LENGTH} characters ` +
        `(got "${draft.type}" for ${environment}).`,
    );
  }
  for (const [key, value] of Object.entries(draft.secrets ?? {})) {
    if (value === '')
      throw new Error(`The secret "${key}" of the ${draft.type} event for ${environment} is empty.`);
  }
}
