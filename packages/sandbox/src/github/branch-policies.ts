/*
 * The custom deployment branch policies of the sandbox's environments: the name patterns a branch must
 * match to deploy (docs.github.com/rest/deployments/branch-policies). GitHub keeps them per environment
 * and uses them only while its `deployment_branch_policy.custom_branch_policies` is true.
 */

export interface StoredBranchPolicy {
  id: number;
  /** The pattern, e.g. `main` or `release/*`. */
  name: string;
  type: 'branch' | 'tag';
}

export class BranchPolicies {
  private readonly byEnvironment = new Map<number, StoredBranchPolicy[]>();
  private nextId = 361_471;

  /** The policies of the environment with id `environmentId`, oldest first. */
  list(environmentId: number): StoredBranchPolicy[] {
    return [...(this.byEnvironment.get(environmentId) ?? [])];
  }

  /** Adds a pattern, or returns undefined when the environment already has it (GitHub answers 303). */
  add(environmentId: number, name: string, type: 'branch' | 'tag'): StoredBranchPolicy | undefined {
    const policies = this.byEnvironment.get(environmentId) ?? [];
    if (policies.some((p) => p.name === name && p.type === type)) return undefined;
    const policy = { id: this.nextId++, name, type };
    this.byEnvironment.set(environmentId, [...policies, policy]);
    return policy;
  }

  /** Removes policy `id`; false when the environment has no such policy. */
  remove(environmentId: number, id: number): boolean {
    const policies = this.byEnvironment.get(environmentId) ?? [];
    const kept = policies.filter((p) => p.id !== id);
    this.byEnvironment.set(environmentId, kept);
    return kept.length < policies.length;
  }

  /** An environment no longer limited to custom patterns drops them. */
  clear(environmentId: number): void {
    this.byEnvironment.delete(environmentId);
  }
}

/** A `deployment-branch-policy` object as GitHub's OpenAPI describes it. */
export function renderBranchPolicy(policy: StoredBranchPolicy): unknown {
  return {
    id: policy.id,
    node_id: `MDE2OkdhdGVCcmFuY2hQb2xpY3k${policy.id}`,
    name: policy.name,
    type: policy.type,
  };
}

/** The body of a policy's POST, `{name, type?}`, or GitHub's reason to refuse it. */
export function parseBranchPolicy(text: string): { name: string; type: 'branch' | 'tag' } | string {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return 'Problems parsing JSON';
  }
  const { name, type = 'branch' } = (body ?? {}) as Record<string, unknown>;
  if (typeof name !== 'string' || name === '') return 'Invalid request.\n\nname must be a non-empty string.';
  if (type !== 'branch' && type !== 'tag') return 'Invalid request.\n\ntype must be "branch" or "tag".';
  return { name, type };
}
