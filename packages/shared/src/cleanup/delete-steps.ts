import {
  DeleteDBClusterCommand,
  DeleteDBInstanceCommand,
  DeleteGlobalClusterCommand,
  DescribeDBInstancesCommand,
  ModifyDBClusterCommand,
  ModifyGlobalClusterCommand,
  RemoveFromGlobalClusterCommand,
  waitUntilDBClusterAvailable,
  waitUntilDBClusterDeleted,
  waitUntilDBInstanceDeleted,
  type RDSClient,
} from '@aws-sdk/client-rds';
import {
  DeleteTableCommand,
  UpdateTableCommand,
  waitUntilTableNotExists,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  DeleteSecretCommand,
  DescribeSecretCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { isNotFound } from '../errors/index.js';
import { describeCluster, describeGlobalCluster } from '../resources/aurora.js';
import { describeTable } from '../resources/dynamodb-table.js';
import { waitFor, waiterConfig } from '../resources/wait-for.js';
import type { PlanStep } from './plan.js';

/*
 * One function per kind of step of the deletion. Each looks first at what exists and treats "not found"
 * (or "already going") as done, so that a re-run after a crash between any two steps finishes the job;
 * every other error propagates, named, and stops the phase. Every wait is an SDK waiter.
 */

export interface StepClients {
  rds(region: string): RDSClient;
  dynamodb(region: string): DynamoDBClient;
  secretsManager(region: string): SecretsManagerClient;
}

export interface StepContext {
  clients: StepClients;
  globalCluster: string;
  secretRecoveryDays: number;
  waitSeconds: number;
  minDelaySeconds?: number;
  maxDelaySeconds?: number;
  log: (line: string) => void;
}

/** `done`: this run changed it; `already`: an earlier try had (or AWS was already doing it). */
export type StepOutcome = 'done' | 'already';

export async function runStep(step: PlanStep, ctx: StepContext): Promise<StepOutcome> {
  switch (step.kind) {
    case 'disable-cluster-protection':
      return disableClusterProtection(step, ctx);
    case 'remove-from-global-cluster':
      return removeFromGlobalCluster(step, ctx);
    case 'delete-instance':
      return deleteInstance(step, ctx);
    case 'delete-cluster':
      return deleteCluster(step, ctx);
    case 'disable-global-protection':
      return disableGlobalProtection(step, ctx);
    case 'delete-global-cluster':
      return deleteGlobalCluster(step, ctx);
    case 'remove-table-replica':
      return removeTableReplica(step, ctx);
    case 'delete-table':
      return deleteTable(step, ctx);
    case 'delete-secret':
      return deleteSecret(step, ctx);
  }
}

/** An SDK waiter's timing for a deletion: AWS takes minutes, so the waiters' own delays by default. */
function waiter<C>(client: C, ctx: StepContext) {
  return waiterConfig(client, waitOptions(ctx), { minDelaySeconds: 15, maxDelaySeconds: 120 });
}

function waitOptions(ctx: StepContext) {
  return {
    maxWaitSeconds: ctx.waitSeconds,
    ...(ctx.minDelaySeconds !== undefined ? { minDelaySeconds: ctx.minDelaySeconds } : {}),
    ...(ctx.maxDelaySeconds !== undefined ? { maxDelaySeconds: ctx.maxDelaySeconds } : {}),
  };
}

async function disableClusterProtection(step: PlanStep, ctx: StepContext): Promise<StepOutcome> {
  const rds = ctx.clients.rds(step.region);
  const cluster = await describeCluster(rds, step.resource);
  if (!cluster || cluster.DeletionProtection !== true) return 'already';
  await rds.send(
    new ModifyDBClusterCommand({
      DBClusterIdentifier: step.resource,
      DeletionProtection: false,
      ApplyImmediately: true,
    }),
  );
  return 'done';
}

async function removeFromGlobalCluster(step: PlanStep, ctx: StepContext): Promise<StepOutcome> {
  const rds = ctx.clients.rds(step.region);
  const cluster = await describeCluster(rds, step.resource);
  if (!cluster) return 'already';
  const global = await describeGlobalCluster(rds, ctx.globalCluster);
  const member = global?.GlobalClusterMembers?.some(
    (m) => (m.DBClusterArn ?? '').toLowerCase() === (cluster.DBClusterArn ?? '').toLowerCase(),
  );
  let outcome: StepOutcome = 'already';
  if (member) {
    // The cluster's ARN, called in its own Region, as AWS requires (aws.md §8).
    await rds.send(
      new RemoveFromGlobalClusterCommand({
        GlobalClusterIdentifier: ctx.globalCluster,
        DbClusterIdentifier: cluster.DBClusterArn,
      }),
    );
    outcome = 'done';
  }
  // Detached, the cluster is `promoting` for a while and cannot be deleted until it is available.
  ctx.log(`Waiting for ${step.resource} (${step.region}) to be available on its own.`);
  await waitUntilDBClusterAvailable(waiter(rds, ctx), { DBClusterIdentifier: step.resource });
  return outcome;
}

async function deleteInstance(step: PlanStep, ctx: StepContext): Promise<StepOutcome> {
  const rds = ctx.clients.rds(step.region);
  let status: string | undefined;
  try {
    const out = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: step.resource }));
    status = out.DBInstances?.[0]?.DBInstanceStatus;
  } catch (error) {
    if (isNotFound(error)) return 'already';
    throw error;
  }
  let outcome: StepOutcome = 'already';
  if (status !== 'deleting') {
    try {
      await rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: step.resource }));
      outcome = 'done';
    } catch (error) {
      if (!isNotFound(error)) throw error;
      return 'already';
    }
  }
  ctx.log(`Waiting for the instance ${step.resource} (${step.region}) to be deleted.`);
  await waitUntilDBInstanceDeleted(waiter(rds, ctx), { DBInstanceIdentifier: step.resource });
  return outcome;
}

async function deleteCluster(step: PlanStep, ctx: StepContext): Promise<StepOutcome> {
  const rds = ctx.clients.rds(step.region);
  const cluster = await describeCluster(rds, step.resource);
  if (!cluster) return 'already';
  let outcome: StepOutcome = 'already';
  if (cluster.Status !== 'deleting') {
    try {
      // No final snapshot here: the verified final archive recorded in the ledger is it.
      await rds.send(
        new DeleteDBClusterCommand({ DBClusterIdentifier: step.resource, SkipFinalSnapshot: true }),
      );
      outcome = 'done';
    } catch (error) {
      if (!isNotFound(error)) throw error;
      return 'already';
    }
  }
  ctx.log(`Waiting for the cluster ${step.resource} (${step.region}) to be deleted.`);
  await waitUntilDBClusterDeleted(waiter(rds, ctx), { DBClusterIdentifier: step.resource });
  return outcome;
}

async function disableGlobalProtection(step: PlanStep, ctx: StepContext): Promise<StepOutcome> {
  const rds = ctx.clients.rds(step.region);
  const global = await describeGlobalCluster(rds, step.resource);
  if (!global || global.DeletionProtection !== true) return 'already';
  await rds.send(
    new ModifyGlobalClusterCommand({ GlobalClusterIdentifier: step.resource, DeletionProtection: false }),
  );
  return 'done';
}

async function deleteGlobalCluster(step: PlanStep, ctx: StepContext): Promise<StepOutcome> {
  const rds = ctx.clients.rds(step.region);
  const global = await describeGlobalCluster(rds, step.resource);
  if (!global) return 'already';
  let outcome: StepOutcome = 'already';
  if (global.Status !== 'deleting') {
    try {
      await rds.send(new DeleteGlobalClusterCommand({ GlobalClusterIdentifier: step.resource }));
      outcome = 'done';
    } catch (error) {
      if (!isNotFound(error)) throw error;
      return 'already';
    }
  }
  // AWS has no waiter for global clusters.
  await waitFor(`The global cluster ${step.resource} was not gone in time`, waitOptions(ctx), async () =>
    (await describeGlobalCluster(rds, step.resource)) ? { done: false, state: 'deleting' } : { done: true },
  );
  return outcome;
}

/** `session-table-dev@us-east-2` → the table and the replica's Region. */
function replicaOf(step: PlanStep): { table: string; replicaRegion: string } {
  const at = step.resource.lastIndexOf('@');
  return { table: step.resource.slice(0, at), replicaRegion: step.resource.slice(at + 1) };
}

async function removeTableReplica(step: PlanStep, ctx: StepContext): Promise<StepOutcome> {
  const dynamodb = ctx.clients.dynamodb(step.region);
  const { table, replicaRegion } = replicaOf(step);
  const replicaStatus = async () => {
    const described = await describeTable(dynamodb, table);
    if (!described) return undefined;
    return {
      table: described.TableStatus,
      replica: described.Replicas?.find((r) => r.RegionName === replicaRegion)?.ReplicaStatus,
    };
  };
  const now = await replicaStatus();
  if (!now || now.replica === undefined) return 'already';
  let outcome: StepOutcome = 'already';
  if (now.replica !== 'DELETING') {
    await dynamodb.send(
      new UpdateTableCommand({
        TableName: table,
        ReplicaUpdates: [{ Delete: { RegionName: replicaRegion } }],
      }),
    );
    outcome = 'done';
  }
  ctx.log(`Waiting for the ${replicaRegion} replica of ${table} to be removed.`);
  // DynamoDB has no waiter for a replica: the table is done when it lists no such replica and is ACTIVE.
  await waitFor(
    `The ${replicaRegion} replica of ${table} was not removed in time`,
    waitOptions(ctx),
    async () => {
      const state = await replicaStatus();
      if (!state) return { done: true };
      if (state.replica === undefined && state.table === 'ACTIVE') return { done: true };
      return { done: false, state: `table ${state.table}, replica ${state.replica ?? 'gone'}` };
    },
  );
  return outcome;
}

async function deleteTable(step: PlanStep, ctx: StepContext): Promise<StepOutcome> {
  const dynamodb = ctx.clients.dynamodb(step.region);
  const described = await describeTable(dynamodb, step.resource);
  if (!described) return 'already';
  let outcome: StepOutcome = 'already';
  if (described.TableStatus !== 'DELETING') {
    try {
      await dynamodb.send(new DeleteTableCommand({ TableName: step.resource }));
      outcome = 'done';
    } catch (error) {
      if (!isNotFound(error)) throw error;
      return 'already';
    }
  }
  ctx.log(`Waiting for the table ${step.resource} (${step.region}) to be deleted.`);
  await waitUntilTableNotExists(waiter(dynamodb, ctx), { TableName: step.resource });
  return outcome;
}

async function deleteSecret(step: PlanStep, ctx: StepContext): Promise<StepOutcome> {
  const secrets = ctx.clients.secretsManager(step.region);
  try {
    const described = await secrets.send(new DescribeSecretCommand({ SecretId: step.resource }));
    if (described.DeletedDate) return 'already';
  } catch (error) {
    if (isNotFound(error)) return 'already';
    throw error;
  }
  const out = await secrets.send(
    new DeleteSecretCommand(
      ctx.secretRecoveryDays === 0
        ? { SecretId: step.resource, ForceDeleteWithoutRecovery: true }
        : { SecretId: step.resource, RecoveryWindowInDays: ctx.secretRecoveryDays },
    ),
  );
  ctx.log(
    `The secret ${step.resource} is ${ctx.secretRecoveryDays === 0 ? 'deleted' : `scheduled for deletion on ${out.DeletionDate?.toISOString() ?? 'a date AWS did not give'}`}.`,
  );
  return 'done';
}
