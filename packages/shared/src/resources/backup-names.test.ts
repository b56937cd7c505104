import { buildConfig } from '../config/build-config.js';
import type { MigrationConfig } from '../config/types.js';
import { backupNames, backupTags, dynamodbBackupName, rdsIdentifier } from './backup-names.js';

const RDS_RULES = /^[a-z](?!.*--)[a-z0-9-]{0,62}$/;
const DYNAMODB_RULES = /^[A-Za-z0-9_.-]{3,255}$/;

function withV1(overrides: Partial<MigrationConfig['v1']>): MigrationConfig {
  const config = buildConfig({ environment: 'dev' });
  return { ...config, v1: { ...config.v1, ...overrides } };
}

describe('backupNames', () => {
  it("names the guide's v1 resources after the run", () => {
    expect(backupNames(buildConfig({ environment: 'dev' }), 'r123-1')).toEqual({
      clusterSnapshot: 'primary-db-cluster-dev-premigration-r123-1',
      tableBackup: 'session-table-dev-premigration-r123-1',
    });
  });

  it('differs between attempts and between runs, and is the same for one attempt', () => {
    const config = buildConfig({ environment: 'prod' });
    const names = ['r1-1', 'r1-2', 'r2-1'].map((token) => backupNames(config, token).clusterSnapshot);
    expect(new Set(names).size).toBe(3);
    expect(backupNames(config, 'r1-1')).toEqual(backupNames(config, 'r1-1'));
  });

  it('shortens a long cluster name to 63 characters, keeping the run suffix whole and the names apart', () => {
    const long = 'primary-db-cluster-' + 'a'.repeat(40);
    const a = backupNames(withV1({ primaryCluster: `${long}-one` }), 'r1658821493-12').clusterSnapshot;
    const b = backupNames(withV1({ primaryCluster: `${long}-two` }), 'r1658821493-12').clusterSnapshot;
    for (const name of [a, b]) {
      expect(name.length).toBeLessThanOrEqual(63);
      expect(name).toMatch(RDS_RULES);
      expect(name).not.toMatch(/-$/);
      expect(name.endsWith('-premigration-r1658821493-12')).toBe(true);
      expect(name.startsWith('primary-db-cluster-aaa')).toBe(true);
    }
    expect(a).not.toBe(b);
  });

  it('makes a valid RDS identifier of a name with upper case, bad characters or a leading digit', () => {
    for (const resource of ['Primary_DB.Cluster--Dev', '9-lives', '---', 'über-cluster']) {
      const name = rdsIdentifier(resource, 'premigration-r1-1');
      expect(name).toMatch(RDS_RULES);
      expect(name).not.toMatch(/-$/);
    }
    expect(rdsIdentifier('Primary_DB.Cluster--Dev', 'premigration-r1-1')).toBe(
      'primary-db-cluster-dev-premigration-r1-1',
    );
    expect(rdsIdentifier('9-lives', 'premigration-r1-1')).toBe('db-9-lives-premigration-r1-1');
  });

  it('makes a valid DynamoDB backup name of a long table name or one with bad characters', () => {
    const long = dynamodbBackupName('t'.repeat(300), 'premigration-r1-1');
    expect(long.length).toBe(255);
    expect(long).toMatch(DYNAMODB_RULES);
    expect(long.endsWith('-premigration-r1-1')).toBe(true);
    expect(dynamodbBackupName('t'.repeat(300), 'x')).not.toBe(dynamodbBackupName(`${'t'.repeat(299)}u`, 'x'));
    expect(dynamodbBackupName('Sessions.v1_dev table', 'premigration-r1-1')).toBe(
      'Sessions.v1_dev-table-premigration-r1-1',
    );
  });
});

describe('backupTags', () => {
  it('tags the purpose, the environment and the run URL when known', () => {
    const config = buildConfig({ environment: 'staging' });
    const url = 'https://github.com/acme/payments/actions/runs/7';
    expect(backupTags(config, { runUrl: url })).toEqual([
      { Key: 'Purpose', Value: 'PreMigrationBackup' },
      { Key: 'Environment', Value: 'staging' },
      { Key: 'RunUrl', Value: url },
    ]);
    expect(backupTags(config, {}).map((t) => t.Key)).toEqual(['Purpose', 'Environment']);
  });
});
