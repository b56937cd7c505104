#!/usr/bin/env node
import { parseCommandLine, USAGE } from './arguments.js';
import { GitHubError, UsageError } from './errors.js';
import { githubContext, setupEnvironments } from './setup-environments.js';

/*
 * `db-migration-toolkit`, the toolkit's command line. Exit 0 when done (or a dry run printed), 2 for a
 * wrong command line or a missing token (nothing was sent to GitHub), 1 when GitHub refused.
 */
async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  try {
    const command = parseCommandLine(argv);
    if (command.kind === 'help') {
      console.log(USAGE);
      return 0;
    }
    await setupEnvironments(command.args, githubContext(env), (text) => console.log(text));
    return 0;
  } catch (error) {
    if (error instanceof UsageError || error instanceof GitHubError) {
      console.error(`Error: ${error.message}`);
      return error.exitCode;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2), process.env);
