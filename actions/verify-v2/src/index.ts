import * as core from '@actions/core';
import { hello } from '@dbmig/shared';
core.info(hello('x'));
