import type pg from 'pg';
import type { AwsClients } from '../aws/clients.js';
import type { MigrationConfig } from '../config/types.js';
import { withPostgres, type PostgresEndpoint } from '../data/postgres/connection.js';
import type { SslMode } from '../data/ssl-mode.js';
import { VerdictError } from '../errors/index.js';
import type { JsonObject, LedgerEvent, LedgerEventDraft } from '../ledger/event.js';
import { describeEvent } from '../ledger/describe.js';
import type { LedgerView } from '../ledger/view.js';
import {
  advanceSequences,
  applicationSessions,
  describeSessions,
  overtakenSequences,
  pauseWrites,
  resumeWrites,
  type AdvancedSequence,
  type RevokedPrivilege,
} from '../replication/postgres/index.js';
import {
  describeRunningReplication,
  REPLICATION_EVENTS,
  runningReplication,
} from '../replication/running.js';
import type { StoppedReplication } from '../replication/stop.js';
import { resolveDatabaseEndpoint } from '../resources/database-endpoint.js';
import { verifyReplication } from '../verify/replication.js';
import { carrierOf, type Carrier } from './carrier.js';
import { TableDrain, tableReplicationInLedger } from './table-drain.js';

/*
 * How a cutover treats the writes the application makes while it moves (`write-strategy`). With
 * migrate-data's logical replication (or its DMS task) carrying v1's writes to v2:
 * - `overlap` (zero downtime): v2's sequences are set past v1's with a headroom, the parameters switch,
 *   and the refreshes roll while replication keeps carrying the writes of instances still on v1; once no
 *   application session is left on v1, the lag is drained to zero and replication stopped.
 * - `pause` (strict): v1 refuses the application's writes (REVOKE, then its sessions ended), the lag is
 *   drained, replication stopped, sequences advanced, and only then the parameters switch: no write can
 *   land on both sides, at the price of a write pause, which is measured.
 * - `none`: no replication; a cutover beside a running one is refused (both sides would take writes).
 * Either strategy first refuses, with nothing changed, a replication that is not streaming, lags more
 * than the gate, or whose schemas drifted. When migrate-data also carried the table's stream, the table
 * is caught up before the switch and drained once the refreshes are done, under either strategy: a
 * DynamoDB write cannot be refused the way a PostgreSQL one can (table-drain.ts).
 */

export const WRITE_STRATEGIES = ['auto', 'none', 'overlap', 'pause'] as const;
export type WriteStrategyInput = (typeof WRITE_STRATEGIES)[number];

export const WRITE_EVENTS = {
  sequencesAdvanced: 'sequences-advanced',
  writesPaused: 'writes-paused',
  writesResumed: 'writes-resumed',
} as const;

export interface WriteStrategyOptions {
  strategy: WriteStrategyInput;
  /** Steps each v2 sequence is set past v1's value. */
  sequenceHeadroom: bigint;
  /** The lag gate, in seconds. */
  maxLagSeconds: number;
  /** How long v1 may keep application sessions after the refreshes, and the lag take to drain. */
  drainTimeoutMs: number;
  /** The roles whose writes `pause` revokes; undefined: the user of v1's secret. */
  applicationRoles?: string[];
  /** The first delay of the DMS waiters that stop and delete a DMS task, in seconds. */
  dmsPollSeconds: number;
  sslMode: SslMode;
}

export interface WriteStrategyContext {
  config: MigrationConfig;
  clients: AwsClients;
  options: WriteStrategyOptions;
  record(event: LedgerEventDraft): Promise<LedgerEvent>;
  log(line: string): void;
  mask(secret: string): void;
}

/** What a replicated cutover did, for the completed event, the outputs and the summary. */
export interface WriteStrategyOutcome {
  strategy: 'overlap' | 'pause';
  stopped?: StoppedReplication;
  /** From the start of the drain to the replication stopped (every byte v1 wrote confirmed by v2). */
  drainMs?: number;
  /** From the REVOKE's commit to the last parameter written (`pause`). */
  pauseMs?: number;
  /** Keys or ids that may have been written on both sides. */
  conflicts: string[];
}

export interface ReplicatedCutover {
  strategy: 'overlap' | 'pause';
  /** The plan's lines for this strategy. */
  lines: string[];
  /** Before the first parameter is written. */
  beforeSwitch(): Promise<void>;
  /** Right after the last parameter is written. */
  switched(): void;
  /** Once both refreshes completed. */
  afterRefresh(): Promise<void>;
  /** After a failure: gives v1 its writes back if this run took them. */
  undo(): Promise<void>;
  outcome(): WriteStrategyOutcome;
}

/**
 * Resolves the strategy and checks the replication against the gate; undefined for a plain cutover.
 * Every refusal here comes before anything changed.
 */
export async function prepareWriteStrategy(
  ctx: WriteStrategyContext,
  view: LedgerView,
): Promise<ReplicatedCutover | undefined> {
  const { config, options } = ctx;
  const env = config.environment;
  const running = await runningReplication(view, {
    config,
    clients: ctx.clients,
    sslMode: options.sslMode,
    mask: ctx.mask,
  });
  if (running?.mode === 'dms' && !running.dms?.slot) {
    throw new VerdictError(
      `Cutover of ${env} refused: ${describeRunningReplication(running)}, and the ledger does not name the slot it reads on v1 ` +
        '(migrate-data could not tell it apart), so its drain cannot be proven. Stop and delete it (' +
        running.stop.join(' ') +
        '), then copy again with migrate-data and verify parity. Nothing was changed.',
    );
  }
  const table = tableReplicationInLedger(view);
  const carried = [
    ...(running ? [describeRunningReplication(running)] : []),
    ...(table ? [`the table's stream is carried to v2 (${describeEvent(table)})`] : []),
  ];
  const strategy = options.strategy === 'auto' ? (carried.length > 0 ? 'overlap' : 'none') : options.strategy;
  if (strategy === 'none') {
    if (carried.length === 0) return undefined;
    throw new VerdictError(
      `Cutover of ${env} refused: ${carried.join('; ')}, and write-strategy is none. ` +
        'A cutover beside it would let v1 and v2 both take writes and hand out the same sequence values, or leave v1 writes made since the last catch-up behind. ' +
        'Cut over with write-strategy overlap or pause, which stop it at the right moment' +
        (running ? `, or stop it first (${running.stop.join(' ')}), then copy again and verify parity` : '') +
        '. Nothing was changed.',
    );
  }
  if (carried.length === 0) {
    throw new VerdictError(
      `Cutover of ${env} refused: write-strategy ${strategy} carries the writes made during the cutover ` +
        'through replication, and no replication from v1 to v2 runs: start it with migrate-data (replication: logical), ' +
        'or cut over with write-strategy none. Nothing was changed.',
    );
  }
  if (strategy === 'pause' && !running) {
    throw new VerdictError(
      `Cutover of ${env} refused: write-strategy pause makes v1's PostgreSQL refuse the application's writes, and no ` +
        "PostgreSQL replication runs; the table's writes cannot be refused that way. Cut over with write-strategy overlap. Nothing was changed.",
    );
  }
  let pg: PostgresSide | undefined;
  if (running) {
    const gate = await verifyReplication({
      config,
      clients: ctx.clients,
      options: { maxLagSeconds: options.maxLagSeconds, sslMode: options.sslMode },
      mask: ctx.mask,
      ...(running.dms ? { dms: running.dms } : {}),
    });
    const failing = gate.checks.filter((c) => c.status !== 'pass');
    if (failing.length > 0) {
      throw new VerdictError(
        `Cutover of ${env} refused: the replication is not ready for a cutover: ` +
          failing.map((c) => `${c.id}: ${c.detail}`).join('; ') +
          '. Nothing was changed.',
      );
    }
    ctx.log(`Replication: ${gate.checks.map((c) => c.detail).join('; ')}.`);
    const [v1, v2] = await Promise.all(
      (['v1', 'v2'] as const).map((side) =>
        resolveDatabaseEndpoint({ ...ctx, side, sslMode: options.sslMode }),
      ),
    );
    const carrier = carrierOf(running, {
      config,
      clients: ctx.clients,
      dmsPollSeconds: options.dmsPollSeconds,
      log: ctx.log,
    });
    pg = { ...carrier, v1: v1!, v2: v2! };
  }
  const drain = table
    ? await TableDrain.open({
        config,
        clients: ctx.clients,
        drainTimeoutMs: options.drainTimeoutMs,
        record: ctx.record,
        log: ctx.log,
      })
    : undefined;
  return new Replicated(ctx, strategy, pg, drain);
}

/** The PostgreSQL replication a cutover stops: both servers, and what carries v1's writes between them. */
interface PostgresSide extends Carrier {
  v1: PostgresEndpoint;
  v2: PostgresEndpoint;
}

class Replicated implements ReplicatedCutover {
  readonly lines: string[];
  private advanced: AdvancedSequence[] = [];
  private revoked: RevokedPrivilege[] | undefined;
  private pausedAt: Date | undefined;
  private result: WriteStrategyOutcome;

  constructor(
    private readonly ctx: WriteStrategyContext,
    readonly strategy: 'overlap' | 'pause',
    private readonly pg: PostgresSide | undefined,
    private readonly table: TableDrain | undefined,
  ) {
    this.result = { strategy, conflicts: [] };
    const headroom = ctx.options.sequenceHeadroom.toLocaleString('en-US');
    this.lines = [
      ...(!pg
        ? [`write-strategy overlap: the switch, then the table's stream drained once no instance writes v1`]
        : strategy === 'overlap'
          ? [
              `write-strategy overlap: v2's sequences set ${headroom} past v1's, then the switch; replication keeps carrying v1's writes`,
              `  until no application session is left on v1, then the lag drained and ${pg.removed}`,
            ]
          : [
              `write-strategy pause: v1 refuses the writes of ${this.roles().join(', ')} (REVOKE on the tables ${pg.carried.description} carries, their sessions ended),`,
              `  the lag drained, ${pg.removed}, v2's sequences set ${headroom} past v1's, then the switch`,
            ]),
      ...(table?.lines ?? []),
    ];
  }

  private roles(): string[] {
    return this.ctx.options.applicationRoles ?? [this.pg!.v1.user];
  }

  async beforeSwitch(): Promise<void> {
    await this.table?.beforeSwitch();
    if (!this.pg) return;
    if (this.strategy === 'overlap') {
      await this.advance();
      return;
    }
    const { log, record } = this.ctx;
    const roles = this.roles();
    const tables = await this.onV1((v1) => this.pg!.carried.tables(v1));
    const paused = await this.onV1((v1) =>
      pauseWrites(v1, tables, roles, async (revoked) => {
        await record({
          type: WRITE_EVENTS.writesPaused,
          data: { roles, revoked: revoked as unknown as JsonObject[] },
        });
        this.revoked = revoked;
      }),
    );
    this.pausedAt = paused.pausedAt;
    log(
      `v1 refuses the application's writes: ${paused.revoked.map((r) => `${r.privileges.join(', ')} on ${r.schema}.${r.table} from ${r.role}`).join('; ') || 'no privilege was held directly'}; ` +
        `${paused.terminated} session(s) ended, their open transactions rolled back.`,
    );
    await this.stop();
    await this.advance();
  }

  switched(): void {
    if (this.pausedAt === undefined) return;
    this.result.pauseMs = Date.now() - this.pausedAt.getTime();
    this.ctx.log(
      `Write pause: ${this.result.pauseMs} ms from v1's first refused write to the parameters switched.`,
    );
  }

  async afterRefresh(): Promise<void> {
    if (this.pg && this.strategy === 'overlap') {
      await this.waitForIdleV1();
      await this.stop();
    }
    // Under either strategy: the refreshes moved every instance, so v1's table takes no more writes.
    if (this.table) {
      const drained = await this.table.drain(this.strategy);
      const conflicts = drained.conflicts.map(
        (c) =>
          `item ${c.key} of the table: written on v2 while v1's change to it was on its way (v1's change was applied)`,
      );
      this.result = { ...this.result, conflicts: [...this.result.conflicts, ...conflicts] };
      for (const conflict of conflicts) this.ctx.log(`Conflict: ${conflict}`);
    }
  }

  async undo(): Promise<void> {
    const revoked = this.revoked;
    if (!revoked) return;
    await this.onV1((v1) => resumeWrites(v1, revoked));
    this.revoked = undefined;
    await this.ctx.record({
      type: WRITE_EVENTS.writesResumed,
      data: { revoked: revoked as unknown as JsonObject[] },
    });
    this.ctx.log(
      "v1 takes the application's writes again: every privilege the pause revoked was granted back.",
    );
  }

  outcome(): WriteStrategyOutcome {
    return { ...this.result, conflicts: [...this.result.conflicts] };
  }

  private async advance(): Promise<void> {
    const headroom = this.ctx.options.sequenceHeadroom;
    this.advanced = await this.onBoth((v1, v2) => advanceSequences(v1, v2, headroom));
    await this.ctx.record({
      type: WRITE_EVENTS.sequencesAdvanced,
      data: { headroom: headroom.toString(), sequences: this.advanced as unknown as JsonObject[] },
    });
    this.ctx.log(
      `v2's sequences set ${headroom} steps past v1's: ${this.advanced.map((s) => `${s.schema}.${s.name} ${s.v1 ?? 'unused'} → ${s.v2}`).join(', ') || 'none'}.`,
    );
  }

  /** Polls v1's sessions: the last instances of the old launch may take a moment to close theirs. */
  private async waitForIdleV1(): Promise<void> {
    const deadline = Date.now() + this.ctx.options.drainTimeoutMs;
    await this.onV1(async (v1) => {
      for (;;) {
        const sessions = await applicationSessions(v1);
        if (sessions.length === 0) return;
        if (Date.now() > deadline) {
          throw new Error(
            `v1 still has ${sessions.length} application session(s) after the refreshes: ${describeSessions(sessions)}. ` +
              'Replication keeps carrying their writes; find what still connects to v1 (an instance outside the Auto Scaling groups, a job, a person), move it to v2, and run the rollback or this cutover again',
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    });
    this.ctx.log('No application session is left on v1.');
  }

  private async stop(): Promise<void> {
    const drainStarted = Date.now();
    const stopped = await this.onBoth((v1, v2) =>
      this.pg!.drainAndStop(v1, v2, this.ctx.options.drainTimeoutMs),
    );
    const drainMs = Date.now() - drainStarted;
    const overtaken = await this.onV1((v1) => overtakenSequences(v1, this.advanced));
    const conflicts = [
      ...(stopped.problems ?? []),
      ...(stopped.applyErrors > 0 && !stopped.problems
        ? [
            `${stopped.applyErrors} failed apply attempt(s) on v2 while replication ran (a key written on both sides stops the apply with a duplicate-key error; v2's server log names it)`,
          ]
        : []),
      ...overtaken.map(
        (s) =>
          `sequence ${s.schema}.${s.name}: v1 reached ${s.v1}, past ${s.v2} where v2 started: ids in between may exist on both sides`,
      ),
    ];
    this.result = { ...this.result, stopped, conflicts: [...this.result.conflicts, ...conflicts], drainMs };
    await this.ctx.record({
      type: REPLICATION_EVENTS.stopped,
      data: {
        strategy: this.strategy,
        lsn: stopped.lsn,
        applyErrors: stopped.applyErrors,
        conflicts,
        ...this.pg!.stopped.data,
      },
    });
    this.ctx.log(
      `Replication drained to ${stopped.lsn} in ${drainMs} ms and stopped: ${this.pg!.stopped.line}.`,
    );
    for (const conflict of conflicts) this.ctx.log(`Conflict: ${conflict}`);
  }

  private onV1<T>(fn: (v1: pg.Client) => Promise<T>): Promise<T> {
    return withPostgres(this.pg!.v1, fn, `cutover ${this.strategy}`);
  }

  private onBoth<T>(fn: (v1: pg.Client, v2: pg.Client) => Promise<T>): Promise<T> {
    return withPostgres(
      this.pg!.v1,
      (a) => withPostgres(this.pg!.v2, (b) => fn(a, b), `cutover ${this.strategy}`),
      `cutover ${this.strategy}`,
    );
  }
}
