import type { PreviewDigest, PreviewStep } from './digest.js';

/*
 * `pulumi preview --json` files for the guide's stack (its Appendix: an Aurora global database, a DynamoDB
 * global table and a secret per side), built in PreviewDigest's shape. `cleanV2Addition` is the preview of
 * step 1.1 as the guide intends it: every v1 resource `same`, every v2 resource `create`.
 */

const STACK = 'urn:pulumi:dev::payments-db';

interface Resource {
  type: string;
  logical: string;
  inputs: Record<string, unknown>;
}

function urn(resource: Resource): string {
  return `${STACK}::${resource.type}::${resource.logical}`;
}

function generation(side: 'v1' | 'v2', env = 'dev'): Resource[] {
  const s = side === 'v1' ? '' : '-v2';
  const logicalSuffix = side === 'v1' ? '' : 'V2';
  return [
    {
      type: 'aws:secretsmanager/secret:Secret',
      logical: `dbPassword${logicalSuffix}`,
      inputs: { name: `db-password${s}-${env}` },
    },
    {
      type: 'aws:rds/globalCluster:GlobalCluster',
      logical: `globalDb${logicalSuffix}`,
      inputs: {
        globalClusterIdentifier: `global-db${s}-${env}`,
        engine: 'aurora-postgresql',
        engineVersion: '15.4',
      },
    },
    {
      type: 'aws:rds/cluster:Cluster',
      logical: `primaryCluster${logicalSuffix}`,
      inputs: {
        clusterIdentifier: `primary-db-cluster${s}-${env}`,
        globalClusterIdentifier: `global-db${s}-${env}`,
        engine: 'aurora-postgresql',
        port: 5432,
        databaseName: 'paymentsdb',
        masterUsername: 'dbadmin',
        masterPassword: '[secret]',
      },
    },
    {
      type: 'aws:rds/clusterInstance:ClusterInstance',
      logical: `primaryInstance1${logicalSuffix}`,
      inputs: {
        identifier: `primary-db-instance${s}-1-${env}`,
        clusterIdentifier: `primary-db-cluster${s}-${env}`,
        instanceClass: 'db.r6g.large',
      },
    },
    {
      type: 'aws:rds/cluster:Cluster',
      logical: `drCluster${logicalSuffix}`,
      inputs: {
        clusterIdentifier: `dr-db-cluster${s}-${env}`,
        globalClusterIdentifier: `global-db${s}-${env}`,
        engine: 'aurora-postgresql',
      },
    },
    {
      type: 'aws:rds/clusterInstance:ClusterInstance',
      logical: `drInstance1${logicalSuffix}`,
      inputs: {
        identifier: `dr-db-instance${s}-1-${env}`,
        clusterIdentifier: `dr-db-cluster${s}-${env}`,
        instanceClass: 'db.r6g.large',
      },
    },
    {
      type: 'aws:dynamodb/table:Table',
      logical: `sessionTable${logicalSuffix}`,
      inputs: {
        name: `session-table${s}-${env}`,
        hashKey: 'sessionId',
        billingMode: 'PAY_PER_REQUEST',
        streamEnabled: true,
        replicas: [{ regionName: 'us-east-2' }],
      },
    },
  ];
}

function state(resource: Resource, id?: string) {
  return {
    urn: urn(resource),
    custom: true,
    type: resource.type,
    ...(id ? { id } : {}),
    inputs: resource.inputs,
    outputs: id ? { ...resource.inputs, id } : {},
    parent: `${STACK}::pulumi:pulumi:Stack::payments-db-dev`,
    provider: `${STACK}::pulumi:providers:aws::default_6_66_0::04da6b54-80e4-46f7-96ec-b56ff0331ba9`,
  };
}

function same(resource: Resource): PreviewStep {
  const existing = state(
    resource,
    String(resource.inputs['clusterIdentifier'] ?? resource.inputs['name'] ?? resource.logical),
  );
  return {
    op: 'same',
    urn: urn(resource),
    provider: existing.provider,
    oldState: existing,
    newState: existing,
    detailedDiff: null,
  };
}

function create(resource: Resource): PreviewStep {
  return { op: 'create', urn: urn(resource), newState: state(resource), detailedDiff: null };
}

function digest(steps: PreviewStep[]): PreviewDigest {
  const changeSummary: Record<string, number> = {};
  for (const step of steps) changeSummary[step.op] = (changeSummary[step.op] ?? 0) + 1;
  return {
    config: { 'aws:region': 'us-east-1', 'payments-db:dbPassword': '[secret]' },
    steps: [
      { op: 'same', urn: `${STACK}::pulumi:pulumi:Stack::payments-db-dev`, detailedDiff: null },
      ...steps,
    ],
    duration: 4_210_000_000,
    changeSummary,
  };
}

/** The guide's intent: v1 untouched, v2 created beside it. */
export function cleanV2Addition(): PreviewDigest {
  return digest([...generation('v1').map(same), ...generation('v2').map(create)]);
}

/** The clean preview with the step of resource `logical` replaced by `change(step)`. */
export function withStep(
  logical: string,
  change: (resource: Resource, step: PreviewStep) => PreviewStep[],
): PreviewDigest {
  const steps = [
    ...generation('v1').map((r) => [r, same(r)] as const),
    ...generation('v2').map((r) => [r, create(r)] as const),
  ];
  return digest(
    steps.flatMap(([resource, step]) => (resource.logical === logical ? change(resource, step) : [step])),
  );
}

/** A v1 or v2 resource replaced, as the engine plans it: create-replacement, replace, delete-replaced. */
export function replaced(
  logical: string,
  reason: string,
  newInputs: Record<string, unknown> = {},
): PreviewDigest {
  return withStep(logical, (resource) => {
    const before = state(resource, 'existing-id');
    const after = state({ ...resource, inputs: { ...resource.inputs, ...newInputs } });
    const diff = { [reason]: { kind: 'update-replace', inputDiff: true } };
    return (['create-replacement', 'replace', 'delete-replaced'] as const).map((op) => ({
      op,
      urn: urn(resource),
      oldState: before,
      newState: op === 'delete-replaced' ? before : after,
      replaceReasons: [reason],
      diffReasons: [reason],
      detailedDiff: diff,
    }));
  });
}

/** A resource deleted (it left the program). */
export function deleted(logical: string): PreviewDigest {
  return withStep(logical, (resource) => [
    { op: 'delete', urn: urn(resource), oldState: state(resource, 'existing-id'), detailedDiff: null },
  ]);
}

/** An in-place update of `properties` of a resource. */
export function updated(logical: string, properties: Record<string, string>): PreviewDigest {
  return withStep(logical, (resource) => [
    {
      op: 'update',
      urn: urn(resource),
      oldState: state(resource, 'existing-id'),
      newState: state(resource, 'existing-id'),
      diffReasons: Object.keys(properties),
      detailedDiff: Object.fromEntries(
        Object.entries(properties).map(([p, kind]) => [p, { kind, inputDiff: true }]),
      ),
    },
  ]);
}
