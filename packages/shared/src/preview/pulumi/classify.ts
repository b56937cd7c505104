import type { Generation, MigrationConfig } from '../../config/index.js';
import type { PreviewStep, ResourceState } from './digest.js';

/*
 * Which side of the migration a preview step's resource belongs to. The guide's stack names its resources
 * physically (`primary-db-cluster-v1-dev`), while the Pulumi logical name (the URN's last part) is the
 * programmer's choice: the physical name is read first, from the property each AWS type names itself
 * with, and the logical name is only the fallback for a resource that has none.
 */

export type GenerationName = 'v1' | 'v2';

export interface ClassifiedResource {
  urn: string;
  /** The type token, e.g. `aws:rds/cluster:Cluster`. */
  type: string;
  /** The name the resource is known by: its physical name, else its Pulumi logical name. */
  name: string;
  generation: GenerationName | 'other';
  /** What it is in the guide's words, e.g. `primary cluster`; empty for `other`. */
  role: string;
}

/** The property each AWS resource type carries its name (or its target's name) in. */
const NAME_PROPERTY: Record<string, string> = {
  'aws:rds/globalCluster:GlobalCluster': 'globalClusterIdentifier',
  'aws:rds/cluster:Cluster': 'clusterIdentifier',
  'aws:rds/clusterInstance:ClusterInstance': 'identifier',
  'aws:dynamodb/table:Table': 'name',
  'aws:dynamodb/tableReplica:TableReplica': 'globalTableArn',
  'aws:secretsmanager/secret:Secret': 'name',
  'aws:secretsmanager/secretVersion:SecretVersion': 'secretId',
};

/** Types that are a part of a resource they name rather than the resource itself. */
const PART_OF: Record<string, string> = {
  'aws:dynamodb/tableReplica:TableReplica': 'replica of the',
  'aws:secretsmanager/secretVersion:SecretVersion': 'value of the',
};

/** `urn:pulumi:<stack>::<project>::<parent$…$type>::<name>` → its type token and logical name. */
export function parseUrn(urn: string): { type: string; logicalName: string } {
  const parts = urn.split('::');
  const logicalName = parts.length >= 4 ? parts.slice(3).join('::') : urn;
  const qualifiedType = parts[2] ?? '';
  return { type: qualifiedType.split('$').pop() ?? qualifiedType, logicalName };
}

export function classifyStep(step: PreviewStep, config: MigrationConfig): ClassifiedResource {
  const { type: urnType, logicalName } = parseUrn(step.urn);
  const type = step.newState?.type ?? step.oldState?.type ?? urnType;
  // The name before the change first: a renamed v1 cluster is replaced by one with a new name, and it is
  // the old one that is lost.
  const before = physicalName(type, step.oldState);
  const after = physicalName(type, step.newState);
  for (const candidate of [before, after, logicalName]) {
    if (!candidate) continue;
    for (const generation of ['v1', 'v2'] as const) {
      const role = roleOf(candidate, config[generation]);
      if (role) {
        const part = PART_OF[type];
        return {
          urn: step.urn,
          type,
          name: bareName(candidate),
          generation,
          role: part ? `${part} ${role}` : role,
        };
      }
    }
  }
  return { urn: step.urn, type, name: before ?? after ?? logicalName, generation: 'other', role: '' };
}

function physicalName(type: string, state: ResourceState | null | undefined): string | undefined {
  if (!state) return undefined;
  const property = NAME_PROPERTY[type];
  const properties = [...(property ? [property] : []), 'name', 'identifier'];
  for (const key of properties) {
    const value = state.inputs?.[key] ?? state.outputs?.[key];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

/** The guide's role of `name` on one side, or undefined when it is none of that side's resources. */
function roleOf(name: string, generation: Generation): string | undefined {
  const bare = bareName(name);
  if (bare === generation.globalCluster) return 'global cluster';
  if (bare === generation.primaryCluster) return 'primary cluster';
  if (bare === generation.drCluster) return 'DR cluster';
  if (bare === generation.table) return 'global table';
  if (bare === generation.secret) return 'password secret';
  if (instancePattern(generation.primaryInstancePattern).test(bare)) return 'primary instance';
  if (instancePattern(generation.drInstancePattern).test(bare)) return 'DR instance';
  return undefined;
}

/**
 * The resource's own name inside an ARN: `arn:…:table/session-table-v1-dev` → `session-table-v1-dev`,
 * `arn:…:secret:db-password-v1-dev-AbCdEf` → `db-password-v1-dev` (Secrets Manager appends six random
 * characters to a secret's ARN).
 */
function bareName(name: string): string {
  if (!name.startsWith('arn:')) return name;
  const secret = /:secret:(.+)-[A-Za-z0-9]{6}$/.exec(name);
  if (secret?.[1]) return secret[1];
  return name.split(/[/:]/).pop() ?? name;
}

function instancePattern(pattern: string): RegExp {
  const escaped = pattern.replace(/[.*+?^${}()|[\]\\]/g, (c) => `\\${c}`).replace('\\{i\\}', '\\d+');
  return new RegExp(`^${escaped}$`);
}
