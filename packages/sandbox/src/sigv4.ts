/**
 * The region and signing name of a request, read from its SigV4 credential scope:
 * `Authorization: AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/<service>/aws4_request, ...`.
 * The host is the same for every region, so the scope is the only place the region arrives
 * (../shared/reference/aws.md §5). The signature itself is not verified: the sandbox has no secrets.
 */
export interface CredentialScope {
  accessKeyId: string;
  region: string;
  service: string;
}

const SCOPE = /Credential=([^/\s,]+)\/(\d{8})\/([^/\s,]+)\/([^/\s,]+)\/aws4_request/;

export function credentialScope(authorization: string | undefined): CredentialScope | undefined {
  const match = authorization ? SCOPE.exec(authorization) : null;
  if (!match) return undefined;
  return { accessKeyId: match[1]!, region: match[3]!, service: match[4]! };
}
