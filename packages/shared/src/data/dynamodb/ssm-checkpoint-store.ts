import {
  DeleteParameterCommand,
  GetParameterCommand,
  PutParameterCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { describeAwsError, isNotFound } from '../../errors/index.js';
import { parseCheckpoint, type CheckpointStore } from './checkpoint.js';

/** SSM's largest value (Advanced tier); Intelligent-Tiering stays Standard (4 KB) while the value fits. */
const MAX_VALUE_BYTES = 8192;

/**
 * A checkpoint kept as one JSON String parameter, so that the next job (a re-run after a cancelled or
 * killed one, on another runner) can read it. Written with Overwrite, each save a new version.
 * PutParameter has a low rate limit: the copy saves at most every few seconds and when a segment
 * finishes, never once per page.
 */
export function ssmCheckpointStore(ssm: SSMClient, parameterName: string): CheckpointStore {
  return ssmJsonStore(
    ssm,
    parameterName,
    parseCheckpoint,
    (checkpoint, bytes) =>
      `The checkpoint of the copy to ${checkpoint.targetTable} is ${bytes} bytes, more than an SSM parameter ` +
      `holds (${MAX_VALUE_BYTES}): copy with fewer segments (it keeps one key per segment).`,
  );
}

/** One JSON value kept in an SSM String parameter: `location` names it in messages. */
export interface JsonStore<T> {
  readonly location: string;
  load(): Promise<T | undefined>;
  save(value: T): Promise<void>;
  clear(): Promise<void>;
}

/**
 * The store behind {@link ssmCheckpointStore}, for any JSON value: `parse` checks what is read back,
 * `tooLarge` says what to do when a value outgrows the parameter.
 */
export function ssmJsonStore<T>(
  ssm: SSMClient,
  parameterName: string,
  parse: (text: string, location: string) => T,
  tooLarge: (value: T, bytes: number) => string,
): JsonStore<T> {
  const location = `SSM parameter ${parameterName}`;
  const context = (operation: string) => ({ operation: `ssm:${operation}`, resource: parameterName });
  return {
    location,
    async load(): Promise<T | undefined> {
      let value: string | undefined;
      try {
        value = (await ssm.send(new GetParameterCommand({ Name: parameterName }))).Parameter?.Value;
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw new Error(describeAwsError(error, context('GetParameter')), { cause: error });
      }
      return value === undefined ? undefined : parse(value, location);
    },
    async save(saved: T): Promise<void> {
      const value = JSON.stringify(saved);
      const bytes = Buffer.byteLength(value, 'utf8');
      if (bytes > MAX_VALUE_BYTES) throw new Error(tooLarge(saved, bytes));
      try {
        await ssm.send(
          new PutParameterCommand({
            Name: parameterName,
            Value: value,
            Type: 'String',
            Overwrite: true,
            Tier: 'Intelligent-Tiering',
          }),
        );
      } catch (error) {
        throw new Error(describeAwsError(error, context('PutParameter')), { cause: error });
      }
    },
    async clear(): Promise<void> {
      try {
        await ssm.send(new DeleteParameterCommand({ Name: parameterName }));
      } catch (error) {
        if (isNotFound(error)) return;
        throw new Error(describeAwsError(error, context('DeleteParameter')), { cause: error });
      }
    },
  };
}
