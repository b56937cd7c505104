import type { GlobalCluster, RegionState } from './types.js';
import { ACCOUNT_ID } from './types.js';

/** The whole emulated account: per-region state, plus global clusters, which span regions. */
export class World {
  readonly accountId = ACCOUNT_ID;
  private readonly regions = new Map<string, RegionState>();
  readonly globalClusters = new Map<string, GlobalCluster>();

  region(name: string): RegionState {
    let state = this.regions.get(name);
    if (!state) {
      state = {
        clusters: new Map(),
        instances: new Map(),
        tables: new Map(),
        secrets: new Map(),
        parameters: new Map(),
        metrics: [],
      };
      this.regions.set(name, state);
    }
    return state;
  }

  regionNames(): string[] {
    return [...this.regions.keys()];
  }

  /** Forget everything (a scenario is loaded into an empty world). */
  clear(): void {
    this.regions.clear();
    this.globalClusters.clear();
  }

  arn(service: string, region: string, resource: string): string {
    return `arn:aws:${service}:${region}:${this.accountId}:${resource}`;
  }
}
