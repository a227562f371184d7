// What every kubefedctl command module exports: its flags, its usage and what it runs. The CLI
// entry point does the parsing, help and error printing, so commands only validate and act.

/** A flag as `node:util` parseArgs understands it, plus what help prints. */
export interface FlagSpec {
  type: 'string' | 'boolean';
  short?: string;
  default?: string | boolean;
  description: string;
  /** Placeholder shown in help: `--kubeconfig FILE`. */
  valueName?: string;
  /** Accepted but not listed in help. */
  hidden?: boolean;
}

export type FlagSpecs = Record<string, FlagSpec>;

export type FlagValues = Record<string, string | boolean | undefined>;

/** Where a command writes; tests pass buffers, the entry point passes the process streams. */
export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  env: NodeJS.ProcessEnv;
  /** What help and usage hints call the program (program-name.ts); `kubefedctl` if not given. */
  programName?: string;
}

export interface CommandContext {
  flags: FlagValues;
  positionals: string[];
  io: CliIO;
  /** klog-style `-v`/`--v` level. */
  verbosity: number;
}

export interface CommandDefinition {
  name: string;
  /** One line, for the command list. */
  summary: string;
  /** Longer text for `<command> --help`. */
  description?: string;
  /** What follows the command name in the usage line, e.g. `CLUSTER_NAME [flags]`. */
  usage: string;
  flags: FlagSpecs;
  /** Allowed number of positional arguments (default: none). */
  positionals?: { min: number; max: number };
  examples?: string[];
  run(context: CommandContext): Promise<void>;
}

/** A mistake in how the command was called: printed with a pointer to `--help`. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function stringFlag(flags: FlagValues, name: string): string | undefined {
  const value = flags[name];
  return typeof value === 'string' ? value : undefined;
}

export function booleanFlag(flags: FlagValues, name: string): boolean {
  return flags[name] === true;
}
