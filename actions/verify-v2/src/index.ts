import { runAction } from '@dbmig/shared';
import { verifyV2 } from './main.js';

await runAction('verify-v2', verifyV2);
