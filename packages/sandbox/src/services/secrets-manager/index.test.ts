import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  RestoreSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { Sandbox } from '../../server.js';
import { authorization, expectError, sandboxClient } from '../../test-support.js';

const DAY_MS = 24 * 60 * 60 * 1000;

let sandbox: Sandbox;
let east1: SecretsManagerClient;
let east2: SecretsManagerClient;

beforeAll(async () => {
  sandbox = await Sandbox.start();
  east1 = sandboxClient(SecretsManagerClient, sandbox, 'us-east-1');
  east2 = sandboxClient(SecretsManagerClient, sandbox, 'us-east-2');
});

afterAll(async () => {
  east1.destroy();
  east2.destroy();
  await sandbox.stop();
});

afterEach(() => {
  sandbox.now = () => new Date();
});

describe('CreateSecret and GetSecretValue', () => {
  test('a created secret reads back by name and by ARN, with its version and stage', async () => {
    const created = await east1.send(
      new CreateSecretCommand({ Name: 'db-password-v2-dev', SecretString: 's3cret' }),
    );
    expect(created.Name).toBe('db-password-v2-dev');
    expect(created.ARN).toMatch(
      /^arn:aws:secretsmanager:us-east-1:123456789012:secret:db-password-v2-dev-[A-Za-z0-9]{6}$/,
    );
    // The SDK fills ClientRequestToken with a UUID, which becomes the VersionId.
    expect(created.VersionId).toMatch(/^[0-9a-f-]{36}$/);

    const byName = await east1.send(new GetSecretValueCommand({ SecretId: 'db-password-v2-dev' }));
    expect(byName).toMatchObject({
      ARN: created.ARN,
      Name: 'db-password-v2-dev',
      SecretString: 's3cret',
      VersionId: created.VersionId,
      VersionStages: ['AWSCURRENT'],
    });
    expect(byName.CreatedDate).toBeInstanceOf(Date);

    const byArn = await east1.send(new GetSecretValueCommand({ SecretId: created.ARN }));
    expect(byArn.SecretString).toBe('s3cret');
    // A partial ARN (without the random suffix) also names the secret.
    const partial = await east1.send(new GetSecretValueCommand({ SecretId: created.ARN!.slice(0, -7) }));
    expect(partial.Name).toBe('db-password-v2-dev');
  });

  test('a JSON secret value comes back as the same text', async () => {
    const value = JSON.stringify({ username: 'dbadmin', password: 'p@ss', engine: 'postgres' });
    await east1.send(new CreateSecretCommand({ Name: 'json-secret', SecretString: value }));
    const got = await east1.send(new GetSecretValueCommand({ SecretId: 'json-secret' }));
    expect(JSON.parse(got.SecretString!)).toEqual({
      username: 'dbadmin',
      password: 'p@ss',
      engine: 'postgres',
    });
  });

  test('secrets are regional: one created in us-east-1 is not found in us-east-2', async () => {
    await east1.send(new CreateSecretCommand({ Name: 'regional-secret', SecretString: 'a' }));
    await expectError(
      east2.send(new GetSecretValueCommand({ SecretId: 'regional-secret' })),
      'ResourceNotFoundException',
      /^Secrets Manager can't find the specified secret\.$/,
    );
    await expectError(
      east2.send(new DescribeSecretCommand({ SecretId: 'regional-secret' })),
      'ResourceNotFoundException',
    );
    // The same name can exist in both regions, each with its own value and ARN.
    const other = await east2.send(new CreateSecretCommand({ Name: 'regional-secret', SecretString: 'b' }));
    expect(other.ARN).toMatch(/^arn:aws:secretsmanager:us-east-2:/);
    expect((await east1.send(new GetSecretValueCommand({ SecretId: 'regional-secret' }))).SecretString).toBe(
      'a',
    );
    expect((await east2.send(new GetSecretValueCommand({ SecretId: 'regional-secret' }))).SecretString).toBe(
      'b',
    );
  });

  test('a missing secret is ResourceNotFoundException, by name and by ARN', async () => {
    await expectError(
      east1.send(new GetSecretValueCommand({ SecretId: 'no-such-secret' })),
      'ResourceNotFoundException',
      /can't find the specified secret/,
    );
    await expectError(
      east1.send(
        new GetSecretValueCommand({
          SecretId: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:no-such-secret-AbCdEf',
        }),
      ),
      'ResourceNotFoundException',
    );
  });

  test('an unknown version or stage is ResourceNotFoundException', async () => {
    await east1.send(new CreateSecretCommand({ Name: 'versioned', SecretString: 'v' }));
    await expectError(
      east1.send(new GetSecretValueCommand({ SecretId: 'versioned', VersionStage: 'AWSPREVIOUS' })),
      'ResourceNotFoundException',
      /staging label: AWSPREVIOUS/,
    );
    await expectError(
      east1.send(
        new GetSecretValueCommand({
          SecretId: 'versioned',
          VersionId: '00000000-0000-0000-0000-000000000000',
        }),
      ),
      'ResourceNotFoundException',
      /VersionId/,
    );
    const current = await east1.send(
      new GetSecretValueCommand({ SecretId: 'versioned', VersionStage: 'AWSCURRENT' }),
    );
    expect(current.SecretString).toBe('v');
  });

  test('CreateSecret of an existing name is ResourceExistsException', async () => {
    await east1.send(new CreateSecretCommand({ Name: 'dup', SecretString: 'x' }));
    await expectError(
      east1.send(new CreateSecretCommand({ Name: 'dup', SecretString: 'y' })),
      'ResourceExistsException',
      /already exists/,
    );
  });

  test('CreateSecret with a bad name or both kinds of value is InvalidParameterException', async () => {
    await expectError(
      east1.send(new CreateSecretCommand({ Name: 'bad name', SecretString: 'x' })),
      'InvalidParameterException',
    );
    await expectError(
      east1.send(
        new CreateSecretCommand({ Name: 'both', SecretString: 'x', SecretBinary: new Uint8Array([1, 2]) }),
      ),
      'InvalidParameterException',
    );
  });

  test('a secret seeded into the World reads through the API', async () => {
    const createdAt = new Date('2026-01-02T03:04:05Z');
    sandbox.world.region('us-east-2').secrets.set('seeded', {
      name: 'seeded',
      region: 'us-east-2',
      arn: sandbox.world.arn('secretsmanager', 'us-east-2', 'secret:seeded-AbCdEf'),
      secretString: 'from-scenario',
      versionId: 'seeded-v1',
      createdAt,
    });
    const got = await east2.send(new GetSecretValueCommand({ SecretId: 'seeded' }));
    expect(got).toMatchObject({
      SecretString: 'from-scenario',
      VersionId: 'seeded-v1',
      CreatedDate: createdAt,
    });
  });
});

describe('DescribeSecret', () => {
  test('describes the secret and never carries its value', async () => {
    const created = await east1.send(
      new CreateSecretCommand({ Name: 'described', SecretString: 'hunter2-value' }),
    );
    const described = await east1.send(new DescribeSecretCommand({ SecretId: 'described' }));
    expect(described.ARN).toBe(created.ARN);
    expect(described.Name).toBe('described');
    expect(described.CreatedDate).toBeInstanceOf(Date);
    expect(described.LastChangedDate).toBeInstanceOf(Date);
    expect(described.DeletedDate).toBeUndefined();
    expect(described.VersionIdsToStages).toEqual({ [created.VersionId!]: ['AWSCURRENT'] });
    expect(JSON.stringify(described)).not.toContain('hunter2-value');
    expect(described).not.toHaveProperty('SecretString');

    // The SDK drops members its model lacks, so look at the wire too.
    const raw = await fetch(sandbox.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'secretsmanager.DescribeSecret',
        authorization: authorization('us-east-1', 'secretsmanager', '20260101'),
      },
      body: JSON.stringify({ SecretId: 'described' }),
    });
    expect(raw.status).toBe(200);
    const text = await raw.text();
    expect(text).toContain('"Name":"described"');
    expect(text).not.toContain('hunter2-value');
  });
});

describe('PutSecretValue', () => {
  test('makes a new current version; the same token and value again changes nothing', async () => {
    const created = await east1.send(new CreateSecretCommand({ Name: 'rotating', SecretString: 'one' }));
    sandbox.now = () => new Date(Date.now() + 60_000);
    const put = await east1.send(
      new PutSecretValueCommand({
        SecretId: 'rotating',
        SecretString: 'two',
        ClientRequestToken: 'token-0000000000000000000000000002',
      }),
    );
    expect(put).toMatchObject({
      ARN: created.ARN,
      Name: 'rotating',
      VersionId: 'token-0000000000000000000000000002',
      VersionStages: ['AWSCURRENT'],
    });
    const got = await east1.send(new GetSecretValueCommand({ SecretId: 'rotating' }));
    expect(got.SecretString).toBe('two');
    expect(got.VersionId).toBe(put.VersionId);
    const described = await east1.send(new DescribeSecretCommand({ SecretId: 'rotating' }));
    expect(described.LastChangedDate!.getTime()).toBeGreaterThan(described.CreatedDate!.getTime());

    const again = await east1.send(
      new PutSecretValueCommand({
        SecretId: 'rotating',
        SecretString: 'two',
        ClientRequestToken: put.VersionId,
      }),
    );
    expect(again.VersionId).toBe(put.VersionId);
    await expectError(
      east1.send(
        new PutSecretValueCommand({
          SecretId: 'rotating',
          SecretString: 'three',
          ClientRequestToken: put.VersionId,
        }),
      ),
      'ResourceExistsException',
    );
  });

  test('of a missing secret is ResourceNotFoundException', async () => {
    await expectError(
      east1.send(new PutSecretValueCommand({ SecretId: 'never-made', SecretString: 'x' })),
      'ResourceNotFoundException',
    );
  });
});

describe('DeleteSecret', () => {
  test('schedules deletion: reads fail, DescribeSecret shows DeletedDate, restore brings it back', async () => {
    await east1.send(new CreateSecretCommand({ Name: 'doomed', SecretString: 'x' }));
    const deleted = await east1.send(
      new DeleteSecretCommand({ SecretId: 'doomed', RecoveryWindowInDays: 7 }),
    );
    expect(deleted.Name).toBe('doomed');
    expect(deleted.DeletionDate).toBeInstanceOf(Date);
    expect(deleted.DeletionDate!.getTime() - Date.now()).toBeGreaterThan(7 * DAY_MS - 60_000);
    expect(deleted.DeletionDate!.getTime() - Date.now()).toBeLessThanOrEqual(7 * DAY_MS);

    await expectError(
      east1.send(new GetSecretValueCommand({ SecretId: 'doomed' })),
      'InvalidRequestException',
      /marked for deletion/,
    );
    await expectError(
      east1.send(new PutSecretValueCommand({ SecretId: 'doomed', SecretString: 'y' })),
      'InvalidRequestException',
    );
    await expectError(
      east1.send(new CreateSecretCommand({ Name: 'doomed', SecretString: 'y' })),
      'InvalidRequestException',
      /scheduled for deletion/,
    );
    await expectError(east1.send(new DeleteSecretCommand({ SecretId: 'doomed' })), 'InvalidRequestException');
    const described = await east1.send(new DescribeSecretCommand({ SecretId: 'doomed' }));
    expect(described.DeletedDate).toBeInstanceOf(Date);

    await east1.send(new RestoreSecretCommand({ SecretId: 'doomed' }));
    expect((await east1.send(new GetSecretValueCommand({ SecretId: 'doomed' }))).SecretString).toBe('x');
    expect((await east1.send(new DescribeSecretCommand({ SecretId: 'doomed' }))).DeletedDate).toBeUndefined();
  });

  test('defaults to 30 days, after which the secret is gone on the sandbox clock', async () => {
    await east1.send(new CreateSecretCommand({ Name: 'expiring', SecretString: 'x' }));
    const deleted = await east1.send(new DeleteSecretCommand({ SecretId: 'expiring' }));
    expect(Math.round((deleted.DeletionDate!.getTime() - Date.now()) / DAY_MS)).toBe(30);
    sandbox.now = () => new Date(Date.now() + 31 * DAY_MS);
    await expectError(
      east1.send(new DescribeSecretCommand({ SecretId: 'expiring' })),
      'ResourceNotFoundException',
    );
    // The name is free again.
    await east1.send(new CreateSecretCommand({ Name: 'expiring', SecretString: 'again' }));
  });

  test('ForceDeleteWithoutRecovery deletes at once, and of a missing secret is not an error', async () => {
    await east1.send(new CreateSecretCommand({ Name: 'forced', SecretString: 'x' }));
    const deleted = await east1.send(
      new DeleteSecretCommand({ SecretId: 'forced', ForceDeleteWithoutRecovery: true }),
    );
    expect(deleted.Name).toBe('forced');
    expect(deleted.DeletionDate).toBeInstanceOf(Date);
    await expectError(
      east1.send(new GetSecretValueCommand({ SecretId: 'forced' })),
      'ResourceNotFoundException',
    );
    const again = await east1.send(
      new DeleteSecretCommand({ SecretId: 'forced', ForceDeleteWithoutRecovery: true }),
    );
    expect(again.DeletionDate).toBeInstanceOf(Date);
  });

  test('a recovery window outside 7-30, or with ForceDeleteWithoutRecovery, is InvalidParameterException', async () => {
    await east1.send(new CreateSecretCommand({ Name: 'kept', SecretString: 'x' }));
    for (const days of [6, 31]) {
      await expectError(
        east1.send(new DeleteSecretCommand({ SecretId: 'kept', RecoveryWindowInDays: days })),
        'InvalidParameterException',
        /between 7 and 30/,
      );
    }
    await expectError(
      east1.send(
        new DeleteSecretCommand({
          SecretId: 'kept',
          RecoveryWindowInDays: 7,
          ForceDeleteWithoutRecovery: true,
        }),
      ),
      'InvalidParameterException',
    );
    expect((await east1.send(new GetSecretValueCommand({ SecretId: 'kept' }))).SecretString).toBe('x');
  });

  test('of a missing secret without force is ResourceNotFoundException', async () => {
    await expectError(
      east1.send(new DeleteSecretCommand({ SecretId: 'not-there' })),
      'ResourceNotFoundException',
    );
  });
});

test('an operation the sandbox does not serve is UnknownOperationException, not an empty success', async () => {
  const { ListSecretsCommand } = await import('@aws-sdk/client-secrets-manager');
  await expectError(east1.send(new ListSecretsCommand({})), 'UnknownOperationException');
});
