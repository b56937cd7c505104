import {
  DeleteParametersCommand,
  GetParameterCommand,
  GetParametersCommand,
  PutParameterCommand,
  paginateGetParametersByPath,
  type Parameter,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { describeAwsError, isNotFound } from '../errors/index.js';

/** A parameter as the ledger reads it. */
export interface StoredParameter {
  name: string;
  value: string;
  type: string;
  version: number;
  /** Absent only if SSM ever omitted it; the ledger then reports the event as unreadable. */
  lastModifiedDate?: Date;
}

/** GetParameters and DeleteParameters take at most 10 names; GetParametersByPath pages of at most 10. */
const BATCH = 10;

/** The SSM calls of the ledger, each failure turned into one line naming the call and the parameter. */
export class LedgerStore {
  private readonly ssm: SSMClient;
  private readonly path: string;

  constructor(ssm: SSMClient, path: string) {
    this.ssm = ssm;
    this.path = path;
  }

  /** Every parameter directly under the path, in whatever order SSM lists them. */
  async list(): Promise<StoredParameter[]> {
    const found: StoredParameter[] = [];
    try {
      for await (const page of paginateGetParametersByPath(
        { client: this.ssm, pageSize: BATCH },
        { Path: this.path, Recursive: false, WithDecryption: true },
      )) {
        for (const parameter of page.Parameters ?? []) found.push(stored(parameter));
      }
    } catch (error) {
      throw await this.failure(error, 'GetParametersByPath', this.path);
    }
    return found;
  }

  async get(name: string): Promise<StoredParameter | undefined> {
    try {
      const { Parameter } = await this.ssm.send(
        new GetParameterCommand({ Name: name, WithDecryption: true }),
      );
      return Parameter ? stored(Parameter) : undefined;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw await this.failure(error, 'GetParameter', name);
    }
  }

  /** Parameters by name, ten per call; a missing name is absent from the map. */
  async getMany(names: readonly string[]): Promise<Map<string, StoredParameter>> {
    const batches: string[][] = [];
    for (let at = 0; at < names.length; at += BATCH) batches.push(names.slice(at, at + BATCH));
    const found = new Map<string, StoredParameter>();
    await Promise.all(
      batches.map(async (batch) => {
        try {
          const { Parameters } = await this.ssm.send(
            new GetParametersCommand({ Names: batch, WithDecryption: true }),
          );
          for (const parameter of Parameters ?? []) found.set(parameter.Name ?? '', stored(parameter));
        } catch (error) {
          throw await this.failure(error, 'GetParameters', batch.join(', '));
        }
      }),
    );
    return found;
  }

  /**
   * Creates the parameter, never replacing one: the create is the ledger's atomic append. Returns false
   * when the name is taken (ParameterAlreadyExists), which is how a concurrent writer shows itself.
   */
  async create(name: string, value: string, secure: boolean): Promise<boolean> {
    try {
      await this.ssm.send(
        new PutParameterCommand({
          Name: name,
          Value: value,
          Type: secure ? 'SecureString' : 'String',
          Tier: 'Standard',
          Overwrite: false,
        }),
      );
      return true;
    } catch (error) {
      if ((error as { name?: unknown } | null)?.name === 'ParameterAlreadyExists') return false;
      throw await this.failure(error, 'PutParameter', name);
    }
  }

  /** Removes what an append left behind when it was refused; a failure here only leaves clutter. */
  async deleteQuietly(names: readonly string[]): Promise<void> {
    for (let at = 0; at < names.length; at += BATCH) {
      await this.ssm
        .send(new DeleteParametersCommand({ Names: names.slice(at, at + BATCH) }))
        .catch(() => undefined);
    }
  }

  private async failure(error: unknown, operation: string, resource: string): Promise<Error> {
    const region = await this.ssm.config.region().catch(() => undefined);
    return new Error(
      describeAwsError(error, { operation: `ssm:${operation}`, resource, ...(region ? { region } : {}) }),
      { cause: error },
    );
  }
}

function stored(parameter: Parameter): StoredParameter {
  return {
    name: parameter.Name ?? '',
    value: parameter.Value ?? '',
    type: parameter.Type ?? 'String',
    version: parameter.Version ?? 0,
    ...(parameter.LastModifiedDate ? { lastModifiedDate: parameter.LastModifiedDate } : {}),
  };
}
