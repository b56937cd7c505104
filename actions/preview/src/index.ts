import { runAction } from '@dbmig/shared';
import { previewAction } from './main.js';

await runAction('preview', previewAction);
