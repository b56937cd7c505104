import { InputError } from '../errors/index.js';

/**
 * AWS region codes, from the AWS SDK's partition table (commercial, China, GovCloud, European Sovereign
 * Cloud and the isolated partitions; the `*-global` pseudo-regions left out). An explicit list rather than a
 * pattern, so that a typo such as `us-east-3` or `useast-1` fails before any AWS call. A test keeps it in
 * step with the installed SDK.
 */
export const awsRegions: readonly string[] = [
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-south-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-6',
  'ap-southeast-7',
  'ca-central-1',
  'ca-west-1',
  'eu-central-1',
  'eu-central-2',
  'eu-north-1',
  'eu-south-1',
  'eu-south-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'il-central-1',
  'me-central-1',
  'me-south-1',
  'me-west-1',
  'mx-central-1',
  'sa-east-1',
  'sa-west-1',
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'cn-north-1',
  'cn-northwest-1',
  'eusc-de-east-1',
  'us-gov-east-1',
  'us-gov-west-1',
  'us-iso-east-1',
  'us-iso-west-1',
  'us-isob-east-1',
  'us-isob-west-1',
  'eu-isoe-west-1',
  'us-isof-east-1',
  'us-isof-south-1',
];

const known = new Set(awsRegions);

export function isAwsRegion(value: string): boolean {
  return known.has(value);
}

/** `us-east-1, us-east-2` → both, each a known AWS Region, each once. */
export function parseRegions(input: string, raw: string): string[] {
  const regions = raw
    .split(',')
    .map((r) => r.trim())
    .filter((r) => r !== '');
  const expected = 'a comma-separated list of AWS Regions, e.g. us-east-1,us-east-2';
  if (regions.length === 0) throw new InputError(input, `must be ${expected}; got '${raw}'.`);
  for (const region of regions) {
    if (!isAwsRegion(region))
      throw new InputError(input, `'${region}' is not an AWS Region; expected ${expected}.`);
  }
  const duplicate = regions.find((r, i) => regions.indexOf(r) !== i);
  if (duplicate) throw new InputError(input, `lists '${duplicate}' twice; expected ${expected}.`);
  return regions;
}
