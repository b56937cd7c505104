import { runAction } from '@dbmig/shared';
import { cutoverAction } from './main.js';

await runAction('cutover', cutoverAction);
