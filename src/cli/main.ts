// kubefedctl entry point (bin/kubefedctl.js imports this): runs the CLI with the process arguments.
import { runCli } from './cli.ts';

// No top-level await: the single-file build (scripts/build-kubefedctl.ts) bundles this module
// into CommonJS, which Node's single executable applications run.
void runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
