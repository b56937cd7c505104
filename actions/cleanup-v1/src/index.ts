import { runAction } from '@dbmig/shared';
import { cleanupV1Action } from './main.js';

await runAction('cleanup-v1', cleanupV1Action);
