import type { JsonHandler, RequestContext } from '../../protocols/types.js';
import type { DmsMigrationType, DmsReplicationTask } from '../../world/types.js';
import type { DmsEngine, StartType } from './engine.js';
import { findEndpoint, resourceId } from './endpoints.js';
import { alreadyExists, invalidParameter, invalidState, notFound } from './errors.js';
import { filtersOf, matches, optionalBoolean, optionalString, page, requiredString } from './input.js';
import { replicationInstance } from './instances.js';
import { parseTableMappings, parseTaskSettings } from './mappings.js';
import { settle, TRANSITION_MS } from './settle.js';
import { taskStats } from './statistics.js';

const MIGRATION_TYPES: readonly DmsMigrationType[] = ['full-load', 'cdc', 'full-load-and-cdc'];
const START_TYPES: readonly StartType[] = ['start-replication', 'resume-processing', 'reload-target'];

export const createReplicationTask: JsonHandler = (ctx, input) => {
  settle(ctx);
  const dms = ctx.world.region(ctx.region).dms;
  const identifier = requiredString(input, 'ReplicationTaskIdentifier');
  if (!/^[A-Za-z][A-Za-z0-9-]{0,254}$/.test(identifier) || /--|-$/.test(identifier)) {
    throw invalidParameter(`Invalid ReplicationTaskIdentifier: ${identifier}`);
  }
  if ([...dms.tasks.values()].some((t) => t.identifier.toLowerCase() === identifier.toLowerCase())) {
    throw alreadyExists(`Replication task with identifier ${identifier} already exists.`);
  }
  const source = findEndpoint(ctx, requiredString(input, 'SourceEndpointArn'));
  const target = findEndpoint(ctx, requiredString(input, 'TargetEndpointArn'));
  if (source.endpointType !== 'source')
    throw invalidParameter(`Endpoint ${source.identifier} is not a source endpoint.`);
  if (target.endpointType !== 'target')
    throw invalidParameter(`Endpoint ${target.identifier} is not a target endpoint.`);
  const instance = replicationInstance(
    ctx.world,
    ctx.region,
    requiredString(input, 'ReplicationInstanceArn'),
  );
  const migrationType = requiredString(input, 'MigrationType') as DmsMigrationType;
  if (!MIGRATION_TYPES.includes(migrationType))
    throw invalidParameter(`Invalid MigrationType: ${migrationType}`);
  const tableMappings = requiredString(input, 'TableMappings');
  parseTableMappings(tableMappings);
  const settings = optionalString(input, 'ReplicationTaskSettings') ?? '';
  parseTaskSettings(settings);
  const now = ctx.now();
  const task: DmsReplicationTask = {
    identifier,
    arn: ctx.world.arn('dms', ctx.region, `task:${resourceId()}`),
    region: ctx.region,
    sourceEndpointArn: source.arn,
    targetEndpointArn: target.arn,
    replicationInstanceArn: instance.arn,
    migrationType,
    tableMappings,
    settings,
    status: 'creating',
    createdAt: now,
    readyAt: new Date(now.getTime() + TRANSITION_MS),
    tables: [],
  };
  dms.tasks.set(task.arn, task);
  return { ReplicationTask: taskShape(task, now, true) };
};

const FILTERS = [
  'replication-task-arn',
  'replication-task-id',
  'migration-type',
  'endpoint-arn',
  'replication-instance-arn',
];

export const describeReplicationTasks: JsonHandler = (ctx, input) => {
  settle(ctx);
  const filters = filtersOf(input, FILTERS);
  const withSettings = optionalBoolean(input, 'WithoutSettings') !== true;
  const found = [...ctx.world.region(ctx.region).dms.tasks.values()].filter((task) =>
    filters.every((filter) =>
      filter.name === 'endpoint-arn'
        ? filter.values.includes(task.sourceEndpointArn) || filter.values.includes(task.targetEndpointArn)
        : matches(task, [filter], (t, name) =>
            name === 'replication-task-arn'
              ? t.arn
              : name === 'replication-task-id'
                ? t.identifier
                : name === 'migration-type'
                  ? t.migrationType
                  : t.replicationInstanceArn,
          ),
    ),
  );
  if (found.length === 0 && filters.length > 0) throw notFound('No Tasks found matching provided filters');
  const { items, marker } = page(found, input, { min: 20, max: 100, default: 100 });
  const now = ctx.now();
  return {
    ReplicationTasks: items.map((t) => taskShape(t, now, withSettings)),
    ...(marker ? { Marker: marker } : {}),
  };
};

/** StartReplicationTask: `starting` at once; start-replication only on the first run, as DMS allows. */
export function startReplicationTask(engine: DmsEngine): JsonHandler {
  return (ctx, input) => {
    settle(ctx);
    const task = findTask(ctx, requiredString(input, 'ReplicationTaskArn'));
    const type = requiredString(input, 'StartReplicationTaskType') as StartType;
    if (!START_TYPES.includes(type)) throw invalidParameter(`Invalid StartReplicationTaskType: ${type}`);
    if (!['ready', 'stopped', 'failed'].includes(task.status)) {
      throw invalidState(`Replication task ${task.identifier} is ${task.status}: it cannot be started.`);
    }
    if (type === 'start-replication' && task.startedAt) {
      throw invalidState(
        `Replication task ${task.identifier} has run before: start it with resume-processing or reload-target.`,
      );
    }
    engine.start(ctx, task, type);
    return { ReplicationTask: taskShape(task, ctx.now(), true) };
  };
}

export function stopReplicationTask(engine: DmsEngine): JsonHandler {
  return (ctx, input) => {
    settle(ctx);
    const task = findTask(ctx, requiredString(input, 'ReplicationTaskArn'));
    if (task.status !== 'running' && task.status !== 'starting') {
      throw invalidState(
        `Replication task ${task.identifier} is ${task.status}: only a running task can be stopped.`,
      );
    }
    engine.stop(task);
    return { ReplicationTask: taskShape(task, ctx.now(), true) };
  };
}

/** DeleteReplicationTask: refused while the task runs; `deleting`, then gone. */
export function deleteReplicationTask(engine: DmsEngine): JsonHandler {
  return (ctx, input) => {
    settle(ctx);
    const task = findTask(ctx, requiredString(input, 'ReplicationTaskArn'));
    if (['running', 'starting', 'stopping', 'creating', 'deleting'].includes(task.status)) {
      throw invalidState(
        `Replication task ${task.identifier} is ${task.status}: stop it before deleting it.`,
      );
    }
    const tasks = ctx.world.region(ctx.region).dms.tasks;
    engine.delete(task, () => {
      if (tasks.get(task.arn) === task) tasks.delete(task.arn);
    });
    return { ReplicationTask: taskShape(task, ctx.now(), true) };
  };
}

export function findTask(ctx: RequestContext, arn: string): DmsReplicationTask {
  const task = ctx.world.region(ctx.region).dms.tasks.get(arn);
  if (!task) throw notFound(`Replication task ${arn} not found.`);
  return task;
}

function taskShape(task: DmsReplicationTask, now: Date, withSettings: boolean) {
  return {
    ReplicationTaskIdentifier: task.identifier,
    ReplicationTaskArn: task.arn,
    SourceEndpointArn: task.sourceEndpointArn,
    TargetEndpointArn: task.targetEndpointArn,
    ReplicationInstanceArn: task.replicationInstanceArn,
    MigrationType: task.migrationType,
    TableMappings: task.tableMappings,
    ...(withSettings ? { ReplicationTaskSettings: task.settings || '{}' } : {}),
    Status: task.status,
    ...(task.stopReason ? { StopReason: task.stopReason } : {}),
    ...(task.lastFailureMessage ? { LastFailureMessage: task.lastFailureMessage } : {}),
    ReplicationTaskCreationDate: task.createdAt,
    ...(task.startedAt ? { ReplicationTaskStartDate: task.startedAt } : {}),
    ReplicationTaskStats: taskStats(task, now),
  };
}
