// `replication: dms`: the guide's option A done properly (endpoints from Secrets Manager, connections
// tested, a full-load-and-cdc task with validation, awaited table by table, removed when it ends).
export { dmsNames, type DmsNames } from './names.js';
export { checkDmsSecret, refuseSecrets } from './secret-form.js';
export { createEndpoint, findEndpoint, type EndpointSpec } from './endpoints.js';
export { testConnection } from './connections.js';
export { mappedTables, tableMappings, type MappedTable } from './mappings.js';
export { dmsRunOf, logicalSlots, newSlot, type DmsRun } from './run.js';
export { dmsTaskSet } from './carried-set.js';
export { readCdcLatency, type CdcLatency } from './latency.js';
export { drainAndStopDms, type DmsDrainOptions } from './drain.js';
export {
  awaitFullLoad,
  awaitValidation,
  createTask,
  findTask,
  findTaskByArn,
  startTask,
  tableStatistics,
  taskSettings,
  type TaskSpec,
} from './task.js';
export { removeDmsObjects, type DmsObjects } from './teardown.js';
