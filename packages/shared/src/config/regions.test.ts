import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { awsRegions, isAwsRegion } from './regions.js';

interface Partitions {
  partitions: Array<{ id: string; regions: Record<string, unknown> }>;
}

/** The regions the installed AWS SDK knows, read from its partition table. */
function sdkRegions(): string[] {
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve('@aws-sdk/core/package.json'));
  const source = readFileSync(
    join(root, 'dist-es/submodules/client/util-endpoints/lib/aws/partitions.js'),
    'utf8',
  );
  const json = source.slice(source.indexOf('{'), source.lastIndexOf('}') + 1);
  const info = JSON.parse(json) as Partitions;
  return info.partitions.flatMap((p) => Object.keys(p.regions)).filter((r) => !r.endsWith('-global'));
}

describe('awsRegions', () => {
  it('is exactly the set of regions in the installed SDK’s partition table', () => {
    expect([...awsRegions].sort()).toEqual(sdkRegions().sort());
  });

  it('accepts the guide’s regions and rejects near misses', () => {
    expect(isAwsRegion('us-east-1')).toBe(true);
    expect(isAwsRegion('us-east-2')).toBe(true);
    for (const bad of ['us-east-3', 'US-EAST-1', 'useast-1', 'us-east-1 ', 'aws-global', '']) {
      expect(isAwsRegion(bad)).toBe(false);
    }
  });
});
