import { runAction } from '@dbmig/shared';
import { migrateDataAction } from './main.js';

await runAction('migrate-data', migrateDataAction);
