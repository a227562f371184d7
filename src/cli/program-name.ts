// The name kubefedctl's help and error hints show: `kubefedctl`, or `kubectl kubefed` when kubectl
// runs it as its plugin (an executable named kubectl-kubefed on PATH; kubectl passes that name as
// argv[0]). kubectl maps a plugin file name to its command the same way: the dashes after the
// prefix separate subcommands and underscores stand for dashes (kubectl-foo_bar is
// `kubectl foo-bar`).
import { basename } from 'node:path';

export const defaultProgramName = 'kubefedctl';

const pluginPrefix = 'kubectl-';

/** The program name for the `argv0` the process was started with. */
export function programNameFor(argv0: string): string {
  const file = basename(argv0);
  if (!file.startsWith(pluginPrefix) || file.length === pluginPrefix.length) {
    return defaultProgramName;
  }
  const words = file.slice(pluginPrefix.length).split('-');
  return ['kubectl', ...words.map((word) => word.replaceAll('_', '-'))].join(' ');
}
