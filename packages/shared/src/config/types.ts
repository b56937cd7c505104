/** One side of the migration, v1 or v2: the name of each resource, with `{env}` already filled in. */
export interface Generation {
  /** Secrets Manager secret holding the database password (`db-password-v2-{env}`). */
  secret: string;
  /** Aurora global cluster (`global-db-v2-{env}`). */
  globalCluster: string;
  /** Writer cluster in the primary region (`primary-db-cluster-v2-{env}`). */
  primaryCluster: string;
  /** Primary instances' names, `{i}` still in place (`primary-db-instance-v2-{i}-{env}`). */
  primaryInstancePattern: string;
  /** Secondary cluster in the DR region (`dr-db-cluster-v2-{env}`). */
  drCluster: string;
  /** DR instances' names, `{i}` still in place (`dr-db-instance-v2-{i}-{env}`). */
  drInstancePattern: string;
  /** DynamoDB global table (`session-table-v2-{env}`). */
  table: string;
}

/** Everything an action needs to know about one environment's migration, validated. */
export interface MigrationConfig {
  environment: string;
  regions: { primary: string; dr: string };
  database: { name: string; user: string };
  v1: Generation;
  v2: Generation;
  /** SSM parameters the application reads; the cutover points them at v2. */
  parameters: { endpoint: string; passwordSecret: string; dynamodbTable: string };
  /** The application's Auto Scaling groups, refreshed after the parameters change. */
  autoScalingGroups: { primary: string; dr: string };
  aws: { maxAttempts: number; retryMode: 'adaptive' | 'standard' };
}
