import { HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';

/**
 * Whether the export's bucket exists and this role may use it, asked with HeadBucket before anything
 * changes, so that a wrong `archive-bucket` is refused up front rather than as a FAILED export.
 */
export async function headArchiveBucket(
  s3: S3Client,
  bucket: string,
): Promise<{ ok: true; region?: string } | { ok: false; reason: string }> {
  try {
    const out = await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    return { ok: true, ...(out.BucketRegion ? { region: out.BucketRegion } : {}) };
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (name === 'NotFound' || status === 404) {
      return { ok: false, reason: `the bucket ${bucket} does not exist (HeadBucket: 404)` };
    }
    if (name === 'Forbidden' || status === 403) {
      return {
        ok: false,
        reason: `the bucket ${bucket} exists but this role may not use it (HeadBucket: 403; it needs s3:ListBucket on it, and s3:PutObject for the export)`,
      };
    }
    throw error;
  }
}
