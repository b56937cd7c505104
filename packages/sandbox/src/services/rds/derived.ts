import { createHash } from 'node:crypto';

/*
 * Fields AWS returns that the world does not keep (resource ids, Availability Zones, security groups).
 * They are derived from the resource's ARN so that every call returns the same value for the same
 * resource, and two resources never share one.
 */

function digest(seed: string): string {
  return createHash('sha256').update(seed).digest('hex');
}

/** `cluster-` or `db-` followed by 26 upper-case letters and digits, as DbClusterResourceId / DbiResourceId. */
export function resourceId(prefix: 'cluster' | 'db', arn: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bytes = Buffer.from(digest(arn), 'hex');
  let id = '';
  for (let i = 0; i < 26; i++) id += alphabet[bytes[i]! % alphabet.length];
  return `${prefix}-${id}`;
}

/** GlobalClusterResourceId has the form `cluster-` + 16 hex digits. */
export function globalResourceId(arn: string): string {
  return `cluster-${digest(arn).slice(0, 16)}`;
}

export function securityGroupId(arn: string): string {
  return `sg-${digest(`sg:${arn}`).slice(0, 17)}`;
}

/** An Aurora cluster spans three Availability Zones of its region. */
export function availabilityZones(region: string): string[] {
  return ['a', 'b', 'c'].map((letter) => `${region}${letter}`);
}

/** Aurora places a cluster's instances across its zones: the n-th instance in the n-th zone. */
export function instanceZone(region: string, position: number): string {
  const zones = availabilityZones(region);
  return zones[position % zones.length]!;
}
