// `replication: dms`: the guide's option A done properly (endpoints from Secrets Manager, connections
// tested, a full-load-and-cdc task with validation, awaited table by table, removed when it ends).
export { dmsNames, type DmsNames } from './names.js';
export { checkDmsSecret, refuseSecrets } from './secret-form.js';
export { createEndpoint, findEndpoint, type EndpointSpec } from './endpoints.js';
export { testConnection } from './connections.js';
export { tableMappings, type MappedTable } from './mappings.js';
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
