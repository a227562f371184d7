// kubefedctl entry point (bin/kubefedctl.js imports this): runs the CLI with the process arguments.
import { runCli } from './cli.ts';

process.exitCode = await runCli(process.argv.slice(2));
