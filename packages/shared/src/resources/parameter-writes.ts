import type { SSMClient } from '@aws-sdk/client-ssm';
import { describeAwsError } from '../errors/index.js';
import {
  deleteAppParameter,
  parameterLabel,
  putAppParameter,
  type ParameterValue,
} from './app-parameters.js';

/** One parameter in one Region to set to a value, or (`value` absent) to delete. */
export interface ParameterWrite {
  region: string;
  name: string;
  value?: ParameterValue;
}

export interface WrittenParameter extends ParameterWrite {
  /** The new version; absent for a delete. */
  version?: number;
  requestId?: string;
}

/** Some writes failed: which were made and which were not, so the caller can say exactly where it stands. */
export class ParameterWriteError extends Error {
  readonly written: WrittenParameter[];
  readonly failed: Array<ParameterWrite & { error: string }>;

  constructor(written: WrittenParameter[], failed: Array<ParameterWrite & { error: string }>) {
    super(
      `${failed.length} of ${written.length + failed.length} parameter writes failed: ` +
        failed.map((f) => `${parameterLabel(f)}: ${f.error}`).join('; ') +
        (written.length > 0 ? `; written: ${written.map(parameterLabel).join(', ')}` : '; none was written'),
    );
    this.name = 'ParameterWriteError';
    this.written = written;
    this.failed = failed;
  }
}

/**
 * Every write at once, in one round of parallel calls (the SDK retries each on its own), then a
 * ParameterWriteError when any failed, after all have settled: a half-written set is reported as such,
 * never hidden behind the first failure.
 */
export async function writeParameters(
  ssm: (region: string) => SSMClient,
  writes: readonly ParameterWrite[],
): Promise<WrittenParameter[]> {
  const settled = await Promise.allSettled(
    writes.map(async (write): Promise<WrittenParameter> => {
      const client = ssm(write.region);
      if (write.value) return { ...write, ...(await putAppParameter(client, write.name, write.value)) };
      const { requestId } = await deleteAppParameter(client, write.name);
      return { ...write, ...(requestId ? { requestId } : {}) };
    }),
  );
  const written: WrittenParameter[] = [];
  const failed: Array<ParameterWrite & { error: string }> = [];
  settled.forEach((result, i) => {
    if (result.status === 'fulfilled') written.push(result.value);
    else failed.push({ ...writes[i]!, error: describeAwsError(result.reason) });
  });
  if (failed.length > 0) throw new ParameterWriteError(written, failed);
  return written;
}
