import { createHash } from 'node:crypto';
import type { RequestContext } from '../../protocols/types.js';
import type { Parameter } from '../../world/types.js';
import { parameterArn } from './names.js';

/** The API's `Parameter` shape (GetParameter, GetParameters). */
export function apiParameter(
  ctx: RequestContext,
  parameter: Parameter,
  withDecryption: boolean,
  selector?: string,
): Record<string, unknown> {
  return {
    Name: parameter.name,
    Type: parameter.type,
    Value: visibleValue(ctx, parameter, withDecryption),
    Version: parameter.version,
    ...(selector ? { Selector: selector } : {}),
    LastModifiedDate: parameter.lastModifiedDate,
    ARN: parameterArn(ctx, parameter.name),
    DataType: 'text',
  };
}

/** The API's `ParameterHistory` shape (GetParameterHistory). */
export function historyEntry(
  ctx: RequestContext,
  parameter: Parameter,
  withDecryption: boolean,
): Record<string, unknown> {
  return {
    Name: parameter.name,
    Type: parameter.type,
    LastModifiedDate: parameter.lastModifiedDate,
    Value: visibleValue(ctx, parameter, withDecryption),
    Version: parameter.version,
    Labels: [],
    Tier: parameter.tier,
    Policies: [],
    DataType: 'text',
  };
}

/**
 * A SecureString read without `WithDecryption` returns its encrypted form, never the plaintext. AWS
 * sends a base64 KMS ciphertext blob; its exact form is unverified (aws.md §10), so the sandbox sends
 * a stable base64 text derived from where the parameter is, not from its value.
 */
function visibleValue(ctx: RequestContext, parameter: Parameter, withDecryption: boolean): string {
  if (parameter.type !== 'SecureString' || withDecryption) return parameter.value;
  const digest = createHash('sha256')
    .update(`${ctx.region}\n${parameter.name}\n${parameter.version}`)
    .digest('base64');
  return `AQICAH${digest}`;
}
