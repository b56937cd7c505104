import {
  DeleteParameterCommand,
  GetParametersCommand,
  PutParameterCommand,
  type ParameterType,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { isNotFound } from '../errors/index.js';

/** GetParameters takes at most ten names a call. */
const NAMES_PER_CALL = 10;

/** One application parameter in one Region, as it is now: absent, or its type, value and version. */
export type ParameterState =
  | { region: string; name: string; exists: false }
  | {
      region: string;
      name: string;
      exists: true;
      type: ParameterType;
      /** Decrypted for a SecureString: the caller masks it before it can reach a log. */
      value: string;
      version: number;
      lastModifiedDate?: Date;
    };

/** What a parameter is to become: its type and value. */
export interface ParameterValue {
  type: ParameterType;
  value: string;
}

/**
 * The parameters the application reads, in every Region asked, read side by side (ten names a call,
 * decrypted): one state per (Region, name), absent ones included, since a Region without a parameter
 * reads another Region's and a rollback must delete what a cutover created.
 */
export async function readAppParameters(
  ssm: (region: string) => SSMClient,
  regions: readonly string[],
  names: readonly string[],
): Promise<ParameterState[]> {
  const perRegion = await Promise.all(
    regions.map(async (region) => {
      const found = new Map<string, ParameterState>();
      for (let i = 0; i < names.length; i += NAMES_PER_CALL) {
        const out = await ssm(region).send(
          new GetParametersCommand({ Names: names.slice(i, i + NAMES_PER_CALL), WithDecryption: true }),
        );
        for (const p of out.Parameters ?? []) {
          if (!p.Name || p.Value === undefined || !p.Type) continue;
          found.set(p.Name, {
            region,
            name: p.Name,
            exists: true,
            type: p.Type,
            value: p.Value,
            version: p.Version ?? 0,
            ...(p.LastModifiedDate ? { lastModifiedDate: p.LastModifiedDate } : {}),
          });
        }
      }
      return names.map((name): ParameterState => found.get(name) ?? { region, name, exists: false as const });
    }),
  );
  return perRegion.flat();
}

/** Writes one parameter (created, or overwritten with this type and value); its new version and AWS's request id. */
export async function putAppParameter(
  ssm: SSMClient,
  name: string,
  target: ParameterValue,
): Promise<{ version: number; requestId?: string }> {
  const out = await ssm.send(
    new PutParameterCommand({ Name: name, Type: target.type, Value: target.value, Overwrite: true }),
  );
  return {
    version: out.Version ?? 0,
    ...(out.$metadata.requestId ? { requestId: out.$metadata.requestId } : {}),
  };
}

/** Deletes one parameter; one already gone is the state asked for, not a failure. */
export async function deleteAppParameter(
  ssm: SSMClient,
  name: string,
): Promise<{ deleted: boolean; requestId?: string }> {
  try {
    const out = await ssm.send(new DeleteParameterCommand({ Name: name }));
    return { deleted: true, ...(out.$metadata.requestId ? { requestId: out.$metadata.requestId } : {}) };
  } catch (error) {
    if (isNotFound(error)) return { deleted: false };
    throw error;
  }
}

/** `us-east-1 /app/dev/database/endpoint`: how a parameter in a Region is named in plans and messages. */
export function parameterLabel(state: { region: string; name: string }): string {
  return `${state.region} ${state.name}`;
}
