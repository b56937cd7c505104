import type { AwsClients } from '../aws/clients.js';
import type { MigrationConfig } from '../config/types.js';
import type { SslMode } from '../data/ssl-mode.js';
import type { RunContext } from '../github/run-context.js';
import type { Ledger } from '../ledger/ledger.js';
import { verifyHealth } from '../verify/health.js';
import { previewCleanup, type CleanupPreviewOptions } from './cleanup.js';
import { previewCutover, type CutoverPreviewOptions } from './cutover.js';
import { previewData } from './data.js';
import type { PreviewContent } from './render.js';

/*
 * Every phase's plan for one environment, read from the world side by side and changing nothing: each
 * phase's own read-only code (verify's health checks, the cutover's plan, the cleanup's dry run) and
 * migrate-data's sizes. A phase whose plan cannot be made says why in its section; the others still
 * show.
 */

export interface PreviewOptions {
  sslMode: SslMode;
  maxReplicationLagSeconds: number;
  cutover: Omit<CutoverPreviewOptions, 'mask'>;
  /** Undefined: no archive bucket given, the cleanup is not planned. */
  cleanup?: CleanupPreviewOptions;
}

export interface PreviewContext {
  config: MigrationConfig;
  clients: AwsClients;
  ledger: Ledger;
  run: RunContext;
  options: PreviewOptions;
  mask(secret: string): void;
}

export async function buildPreview(ctx: PreviewContext): Promise<Omit<PreviewContent, 'commit' | 'extra'>> {
  const { config, clients, options, mask } = ctx;
  const problem = (error: unknown) => ({ problem: (error as Error).message });
  const [verify, data, cutover, cleanup] = await Promise.all([
    verifyHealth({
      config,
      clients,
      options: {
        maxReplicationLagSeconds: options.maxReplicationLagSeconds,
        expectEmpty: false,
        sslMode: options.sslMode,
      },
      mask,
    }).catch(problem),
    previewData(config, clients, { sslMode: options.sslMode, mask }),
    ctx.ledger.read().then((view) => previewCutover(config, clients, view, { ...options.cutover, mask })),
    options.cleanup
      ? previewCleanup(config, clients, ctx.ledger, ctx.run, {
          ...options.cleanup,
          sslMode: options.sslMode,
          mask,
        }).catch(problem)
      : Promise.resolve(undefined),
  ]);
  return {
    environment: config.environment,
    verify,
    data,
    cutover,
    ...(cleanup ? { cleanup } : {}),
  };
}
