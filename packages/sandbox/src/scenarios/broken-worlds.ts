import { addInstance } from '../world/aurora-builders.js';
import { guideWorld, minuteSeries } from './guide-world.js';
import type { Scenario, ScenarioContext } from './types.js';

/** A variant of the guide's world: the guide's world, then one thing changed in v2 (mostly broken). */
function variant(
  name: string,
  description: string,
  breakIt: (ctx: ScenarioContext) => void | Promise<void>,
): Scenario {
  return {
    name,
    description,
    apply: async (ctx) => {
      await guideWorld.apply(ctx);
      await breakIt(ctx);
    },
  };
}

function v2Cluster(ctx: ScenarioContext, which: 'primary' | 'dr') {
  const { config, sandbox } = ctx;
  const region = which === 'primary' ? config.regions.primary : config.regions.dr;
  const id = which === 'primary' ? config.v2.primaryCluster : config.v2.drCluster;
  return sandbox.world.region(region).clusters.get(id)!;
}

function v2Global(ctx: ScenarioContext) {
  return ctx.sandbox.world.globalClusters.get(ctx.config.v2.globalCluster)!;
}

/** Port 1 on loopback: nothing listens there, so a connection is refused at once. */
const CLOSED_PORT = 1;

export const brokenWorlds: Scenario[] = [
  variant(
    'primary-cluster-not-available',
    'The v2 primary cluster is in maintenance, not available.',
    (ctx) => {
      v2Cluster(ctx, 'primary').status = 'maintenance';
    },
  ),
  variant('dr-cluster-not-available', 'The v2 DR cluster is still creating.', (ctx) => {
    v2Cluster(ctx, 'dr').status = 'creating';
  }),
  variant('instance-modifying', 'The second v2 primary instance is modifying.', (ctx) => {
    const id = ctx.config.v2.primaryInstancePattern.replace('{i}', '1');
    ctx.sandbox.world.region(ctx.config.regions.primary).instances.get(id)!.status = 'modifying';
  }),
  variant('extra-dr-instance-rebooting', 'A third v2 DR instance, not in the guide, is rebooting.', (ctx) => {
    const cluster = v2Cluster(ctx, 'dr');
    const id = ctx.config.v2.drInstancePattern.replace('{i}', '2');
    addInstance(ctx.sandbox.world, cluster, id, { status: 'rebooting' });
  }),
  variant('dr-member-missing', 'The v2 DR cluster is not a member of the v2 global cluster.', (ctx) => {
    const dr = v2Cluster(ctx, 'dr');
    const global = v2Global(ctx);
    global.members = global.members.filter((m) => m.clusterArn !== dr.arn);
  }),
  variant('writer-in-wrong-region', "The v2 global cluster's writer is the DR-region cluster.", (ctx) => {
    const primary = v2Cluster(ctx, 'primary');
    for (const member of v2Global(ctx).members) member.isWriter = member.clusterArn !== primary.arn;
  }),
  variant('replication-lag-high', 'The v2 DR cluster lags two minutes behind the primary.', (ctx) => {
    const { config, sandbox } = ctx;
    const series = sandbox.world
      .region(config.regions.dr)
      .metrics.find((m) => m.dimensions['DBClusterIdentifier'] === config.v2.drCluster)!;
    series.points = (at) => minuteSeries(at, 60, (minutesAgo) => (minutesAgo < 10 ? 120_000 : 150));
  }),
  variant('deletion-protection-off', 'Deletion protection is off on the v2 primary cluster.', (ctx) => {
    v2Cluster(ctx, 'primary').deletionProtection = false;
  }),
  variant('storage-not-encrypted', 'The v2 DR cluster is not encrypted at rest.', (ctx) => {
    v2Cluster(ctx, 'dr').storageEncrypted = false;
  }),
  variant('dr-replica-not-active', "The v2 table's replica in the DR region is still CREATING.", (ctx) => {
    const { config, sandbox } = ctx;
    const overlay = sandbox.world.region(config.regions.primary).tables.get(config.v2.table)!;
    overlay.replicas = overlay.replicas.map((r) =>
      r.regionName === config.regions.dr ? { ...r, replicaStatus: 'CREATING' } : r,
    );
    sandbox.world.region(config.regions.dr).tables.get(config.v2.table)!.tableStatus = 'CREATING';
  }),
  variant('secret-missing', 'The v2 secret does not exist.', (ctx) => {
    ctx.sandbox.world.region(ctx.config.regions.primary).secrets.delete(ctx.config.v2.secret);
  }),
  variant('wrong-password', 'The v2 secret holds a password the v2 database refuses.', (ctx) => {
    const secret = ctx.sandbox.world.region(ctx.config.regions.primary).secrets.get(ctx.config.v2.secret)!;
    secret.secretString = `not-${secret.secretString}`;
  }),
  variant('database-unreachable', 'The v2 writer endpoint does not answer.', (ctx) => {
    v2Cluster(ctx, 'primary').port = CLOSED_PORT;
  }),
  variant(
    'v2-not-empty',
    'The v2 database already holds tables (one the application user cannot read).',
    async (ctx) => {
      await ctx.databases.v2.session((client) =>
        client.query('CREATE TABLE payments (id bigint PRIMARY KEY);'),
      );
      // Owned by the superuser, without a GRANT: information_schema.tables would hide it from dbadmin.
      await ctx.databases.v2.admin((client) => client.query('CREATE TABLE refunds (id bigint PRIMARY KEY);'));
    },
  ),
  variant('secret-json', 'The v2 secret is a JSON document with username and password (healthy).', (ctx) => {
    const secret = ctx.sandbox.world.region(ctx.config.regions.primary).secrets.get(ctx.config.v2.secret)!;
    secret.secretString = JSON.stringify({
      engine: 'postgres',
      username: ctx.config.database.user,
      password: secret.secretString,
    });
  }),
  variant(
    'snapshot-fails',
    "A snapshot of the v1 primary cluster ends failed (step 2.1's backup).",
    (ctx) => {
      const { config, sandbox } = ctx;
      sandbox.world
        .region(config.regions.primary)
        .failingSnapshotClusters.add(config.v1.primaryCluster.toLowerCase());
    },
  ),
  variant('refresh-fails', "Every instance refresh of the DR Region's group fails halfway.", (ctx) => {
    const { config, sandbox } = ctx;
    sandbox.world.region(config.regions.dr).autoScalingGroups.get(config.autoScalingGroups.dr)!.failsRefresh =
      true;
  }),
  variant(
    'v2-unhealthy',
    'The v2 primary cluster answers connections but fails queries: an application on v2 logs database errors.',
    (ctx) => {
      ctx.sandbox.world.unhealthyClusters.add(ctx.config.v2.primaryCluster);
    },
  ),
  variant(
    'backup-fails',
    'An on-demand backup of the v1 table never becomes AVAILABLE (it ends DELETED).',
    (ctx) => {
      const { config, sandbox } = ctx;
      sandbox.world.region(config.regions.primary).failingBackupTables.add(config.v1.table);
    },
  ),
];
