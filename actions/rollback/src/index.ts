import { runAction } from '@dbmig/shared';
import { rollbackAction } from './main.js';

await runAction('rollback', rollbackAction);
