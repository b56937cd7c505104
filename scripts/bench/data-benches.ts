/** The phase benchmarks by name (the data phase, and the rollback), each starting and stopping the servers it needs. */
export const dataBenches: Record<string, () => Promise<boolean>> = {
  dynamodb: async () => (await import('./dynamodb-copy.js')).benchDynamoDbCopy(),
  postgres: async () => (await import('./postgres-copy.js')).benchPostgresCopy(),
  parity: async () => (await import('./parity.js')).benchParity(),
  rollback: async () => (await import('./rollback.js')).benchRollback(),
  replication: async () => (await import('./replication.js')).benchReplication(),
};
