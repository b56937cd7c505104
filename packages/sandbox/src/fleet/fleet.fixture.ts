import {
  DescribeInstanceRefreshesCommand,
  StartInstanceRefreshCommand,
  type AutoScalingClient,
  type InstanceRefresh,
} from '@aws-sdk/client-auto-scaling';
import { PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Lab } from '../lab.js';

/** Points the three parameters at v2, as the cutover's step 3.1 does, through SSM. */
export async function pointParametersAtV2(lab: Lab, ssm: SSMClient): Promise<void> {
  const { config, databases } = lab;
  const put = (Name: string, Type: 'String' | 'SecureString', Value: string) =>
    ssm.send(new PutParameterCommand({ Name, Type, Value, Overwrite: true }));
  await put(config.parameters.endpoint, 'SecureString', `${databases.v2.host}:${databases.v2.port}`);
  await put(config.parameters.passwordSecret, 'String', config.v2.secret);
  await put(config.parameters.dynamodbTable, 'String', config.v2.table);
}

/** Starts an instance refresh of `group` and polls it (as a test, briefly) until it ends. */
export async function refresh(client: AutoScalingClient, group: string): Promise<InstanceRefresh> {
  const { InstanceRefreshId } = await client.send(
    new StartInstanceRefreshCommand({
      AutoScalingGroupName: group,
      Preferences: { MinHealthyPercentage: 50, InstanceWarmup: 120 },
    }),
  );
  for (let i = 0; i < 200; i++) {
    const out = await client.send(
      new DescribeInstanceRefreshesCommand({
        AutoScalingGroupName: group,
        InstanceRefreshIds: [InstanceRefreshId!],
      }),
    );
    const found = out.InstanceRefreshes![0]!;
    if (['Successful', 'Failed', 'Cancelled'].includes(found.Status!)) return found;
    await sleep(100);
  }
  throw new Error(`the refresh of ${group} did not finish`);
}
