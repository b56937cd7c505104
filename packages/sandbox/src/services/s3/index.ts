import { createHash } from 'node:crypto';
import type { RawReply, RequestContext } from '../../protocols/types.js';

/*
 * Amazon S3 over REST-XML, path style (the SDK uses path style for an endpoint whose host is an IP,
 * aws.md §2), and only what the toolkit calls: HeadBucket, to check an archive bucket before anything
 * changes, and ListObjectsV2, so that a test can see the files an export put in it. Buckets live in the
 * World (`world.buckets`), one namespace across Regions.
 */

export const S3_SIGNING_NAME = 's3';

/** The operation a request is, for the request log and fault rules: `HeadBucket`, `ListObjectsV2`, else `Unknown`. */
export function s3Operation(method: string, url: string): string {
  const parsed = new URL(url, 'http://127.0.0.1');
  const atBucket = parsed.pathname.replace(/^\/+|\/+$/g, '').split('/').length === 1;
  if (method === 'HEAD' && atBucket) return 'HeadBucket';
  if (method === 'GET' && atBucket && parsed.searchParams.get('list-type') === '2') return 'ListObjectsV2';
  return 'Unknown';
}

export function answerS3(ctx: RequestContext, method: string, url: string): RawReply {
  const parsed = new URL(url, 'http://127.0.0.1');
  const [bucketName, ...rest] = decodeURIComponent(parsed.pathname).replace(/^\/+/, '').split('/');
  const key = rest.join('/');
  if (!bucketName)
    return error(ctx, 400, 'InvalidRequest', 'The sandbox S3 has no ListBuckets: name a bucket.', method);
  const bucket = ctx.world.buckets.get(bucketName);
  if (method === 'HEAD' && key === '') {
    if (!bucket) return error(ctx, 404, 'NotFound', 'Not Found', method);
    if (bucket.forbidden) return error(ctx, 403, 'Forbidden', 'Forbidden', method);
    return { status: 200, headers: { ...common(ctx), 'x-amz-bucket-region': bucket.region }, body: '' };
  }
  if (method === 'GET' && key === '' && parsed.searchParams.get('list-type') === '2') {
    if (!bucket)
      return error(ctx, 404, 'NoSuchBucket', 'The specified bucket does not exist', method, bucketName);
    if (bucket.forbidden) return error(ctx, 403, 'AccessDenied', 'Access Denied', method);
    const prefix = parsed.searchParams.get('prefix') ?? '';
    const keys = [...bucket.objects.keys()].filter((k) => k.startsWith(prefix)).sort();
    const contents = keys
      .map((k) => {
        const object = bucket.objects.get(k)!;
        const etag = createHash('md5').update(object.body).digest('hex');
        return (
          `<Contents><Key>${escape(k)}</Key><LastModified>${object.lastModified.toISOString()}</LastModified>` +
          `<ETag>&quot;${etag}&quot;</ETag><Size>${Buffer.byteLength(object.body)}</Size><StorageClass>STANDARD</StorageClass></Contents>`
        );
      })
      .join('');
    const body =
      `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
      `<Name>${escape(bucket.name)}</Name><Prefix>${escape(prefix)}</Prefix><KeyCount>${keys.length}</KeyCount>` +
      `<MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>${contents}</ListBucketResult>`;
    return { status: 200, headers: { ...common(ctx), 'content-type': 'application/xml' }, body };
  }
  return error(
    ctx,
    501,
    'NotImplemented',
    `The sandbox S3 does not implement ${method} ${parsed.pathname}${parsed.search}.`,
    method,
  );
}

function common(ctx: RequestContext): Record<string, string> {
  return { 'x-amz-request-id': ctx.requestId, 'x-amz-id-2': ctx.requestId };
}

/** S3's error document; a HEAD reply has no body, so the SDK names the error by its status (NotFound, Forbidden). */
function error(
  ctx: RequestContext,
  status: number,
  code: string,
  message: string,
  method: string,
  bucketName?: string,
): RawReply {
  if (method === 'HEAD') return { status, headers: common(ctx), body: '' };
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${escape(message)}</Message>` +
    `${bucketName ? `<BucketName>${escape(bucketName)}</BucketName>` : ''}<RequestId>${ctx.requestId}</RequestId></Error>`;
  return { status, headers: { ...common(ctx), 'content-type': 'application/xml' }, body };
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
