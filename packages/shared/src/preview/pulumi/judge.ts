import type { MigrationConfig } from '../../config/index.js';
import { classifyStep, type ClassifiedResource } from './classify.js';
import { STEP_OPS, type PreviewDigest, type PreviewStep } from './digest.js';

/*
 * The guide's step 1.1, done by the toolkit: a person reads `pulumi preview` to make sure v2 is created and
 * nothing of v1 is replaced. The guard reads the same preview and refuses what would break the running
 * application (v1) or the resources it is about to move to (v2).
 */

/** Ops that remove the resource as it is today, or make a new one in its place. */
const REPLACING = new Set([
  'replace',
  'create-replacement',
  'delete-replaced',
  'discard-replaced',
  'import-replacement',
]);
const V1_REFUSED = new Set([...REPLACING, 'delete', 'discard']);
const V2_REFUSED = new Set([...REPLACING, 'delete']);
/** Ops that leave the resource as it is in AWS. */
const HARMLESS = new Set(['same', 'read', 'refresh', 'remove-pending-replace', 'import']);

/**
 * Properties an in-place update of which changes where or how the application reaches the resource
 * (its endpoint, its port, its global cluster membership, its Regions) even though no replacement is
 * planned: for v1 that breaks the application before any cutover.
 */
const ENDPOINT_PROPERTIES: Record<string, string[]> = {
  'aws:rds/cluster:Cluster': ['clusterIdentifier', 'port', 'globalClusterIdentifier', 'dbSubnetGroupName'],
  'aws:rds/clusterInstance:ClusterInstance': ['identifier', 'clusterIdentifier', 'publiclyAccessible'],
  'aws:rds/globalCluster:GlobalCluster': ['globalClusterIdentifier', 'sourceDbClusterIdentifier'],
  'aws:dynamodb/table:Table': ['name', 'hashKey', 'rangeKey', 'replicas', 'streamEnabled'],
  'aws:secretsmanager/secret:Secret': ['name'],
};

export interface GuardProblem extends ClassifiedResource {
  op: string;
  /** Why it is refused, in a sentence. */
  reason: string;
}

export interface PulumiVerdict {
  passed: boolean;
  problems: GuardProblem[];
  /** What v2 gains: created resources of the v2 side. */
  v2Created: ClassifiedResource[];
  /** Every other planned change (not `same`), for the reader. */
  changes: (ClassifiedResource & { op: string })[];
  /** Errors the preview itself reported: the plan is incomplete, so the guard cannot pass it. */
  errors: string[];
}

export function judgePulumiPreview(digest: PreviewDigest, config: MigrationConfig): PulumiVerdict {
  const problems: GuardProblem[] = [];
  const v2Created: ClassifiedResource[] = [];
  const changes: (ClassifiedResource & { op: string })[] = [];
  for (const step of digest.steps ?? []) {
    const resource = classifyStep(step, config);
    const reason = refusal(step, resource);
    if (reason) problems.push({ ...resource, op: step.op, reason });
    if (resource.generation === 'v2' && step.op === 'create') v2Created.push(resource);
    else if (step.op !== 'same') changes.push({ ...resource, op: step.op });
  }
  const errors = (digest.diagnostics ?? [])
    .filter((d) => d.severity === 'error')
    .map((d) => (d.urn ? `${d.urn}: ` : '') + (d.message ?? '').trim());
  return { passed: problems.length === 0 && errors.length === 0, problems, v2Created, changes, errors };
}

function refusal(step: PreviewStep, resource: ClassifiedResource): string | undefined {
  const side = resource.generation;
  if (side === 'other') return undefined;
  const what = `${side} ${resource.role} ${resource.name}`;
  const refused = side === 'v1' ? V1_REFUSED : V2_REFUSED;
  if (refused.has(step.op)) {
    const reasons = step.replaceReasons?.length ? ` (because of ${step.replaceReasons.join(', ')})` : '';
    return step.op === 'delete' || step.op === 'discard'
      ? `${what} would be deleted (${step.op})`
      : `${what} would be replaced (${step.op})${reasons}: a new resource with a new endpoint and no data`;
  }
  if (step.op === 'update') {
    const forcing = Object.entries(step.detailedDiff ?? {})
      .filter(([, diff]) => diff.kind.endsWith('-replace'))
      .map(([property]) => property);
    if (forcing.length > 0)
      return `${what}: the update changes ${forcing.join(', ')}, which forces a replacement`;
    if (side === 'v1') {
      const touched = new Set([...(step.diffReasons ?? []), ...Object.keys(step.detailedDiff ?? {})]);
      const endpoint = (ENDPOINT_PROPERTIES[resource.type] ?? []).filter((p) =>
        [...touched].some((t) => t === p || t.startsWith(`${p}.`) || t.startsWith(`${p}[`)),
      );
      if (endpoint.length > 0) {
        return `${what}: the update changes ${endpoint.join(', ')}, which moves the endpoint the application uses today`;
      }
    }
    return undefined;
  }
  if (step.op === 'create' || HARMLESS.has(step.op)) return undefined;
  // An op this guard does not know (a newer engine's): refuse rather than guess.
  return (STEP_OPS as readonly string[]).includes(step.op)
    ? undefined
    : `${what}: op "${step.op}" is unknown to the guard; read the preview by hand`;
}
