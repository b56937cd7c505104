import { paginateDescribeSecurityGroups, type EC2Client, type SecurityGroup } from '@aws-sdk/client-ec2';

/*
 * The VPC security groups of a resource, read and never changed: the toolkit tells what rule is
 * missing and prints the command that would add it, for a person to run (the guide's troubleshooting).
 */

/**
 * The groups with these ids, through the paginator (EC2 pages DescribeSecurityGroups). A group that does
 * not exist fails the call (InvalidGroup.NotFound), as EC2 does: the caller reports it.
 */
export async function describeSecurityGroups(ec2: EC2Client, groupIds: string[]): Promise<SecurityGroup[]> {
  if (groupIds.length === 0) return [];
  const groups: SecurityGroup[] = [];
  for await (const page of paginateDescribeSecurityGroups({ client: ec2 }, { GroupIds: groupIds })) {
    groups.push(...(page.SecurityGroups ?? []));
  }
  return groups;
}
