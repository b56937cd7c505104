import { type Agent, request } from 'node:http';
import type { RawReply } from '../../protocols/types.js';

/** The request headers dynalite reads: it checks the target, content type and that a SigV4 header is present. */
const FORWARDED_HEADERS = ['x-amz-target', 'content-type', 'authorization', 'x-amz-date', 'host'];

/** Headers about dynalite's connection, not the reply: the sandbox's own server sets its own. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'date']);

/**
 * Sends a DynamoDB request to a local dynalite as it came and returns the reply as dynalite sent it
 * (status, body, `x-amzn-requestid`, `x-amz-crc32`, content type), so that the SDK parses exactly
 * what dynalite produced.
 */
export function forward(
  agent: Agent,
  port: number,
  body: Buffer,
  headers: Record<string, string>,
): Promise<RawReply> {
  const outgoing: Record<string, string | number> = { 'content-length': body.length };
  for (const name of FORWARDED_HEADERS) {
    const value = headers[name];
    if (value !== undefined) outgoing[name] = value;
  }
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method: 'POST', path: '/', headers: outgoing, agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const replyHeaders: Record<string, string> = {};
          for (const [name, value] of Object.entries(res.headers)) {
            if (value === undefined || HOP_BY_HOP.has(name)) continue;
            replyHeaders[name] = Array.isArray(value) ? value.join(', ') : value;
          }
          resolve({ status: res.statusCode ?? 500, headers: replyHeaders, body: Buffer.concat(chunks) });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
