// The kubefedctl command line: finds the command, parses its flags with node:util parseArgs,
// prints help, and turns every failure into one `Error: <message>` line and exit code 1.
import { inspect, parseArgs } from 'node:util';
import { UsageError } from './command.ts';
import type { CliIO, CommandDefinition, FlagSpecs, FlagValues } from './command.ts';
import { disableCommand } from './disable/command.ts';
import { enableCommand } from './enable/command.ts';
import { federateCommand } from './federate/command.ts';
import { globalFlags, verbosity } from './flags.ts';
import { getCommand } from './get/command.ts';
import { initCommand } from './init/command.ts';
import { joinCommand } from './join/command.ts';
import { orphaningDeletionCommand } from './orphaning-deletion/command.ts';
import { unjoinCommand } from './unjoin/command.ts';
import { defaultProgramName, programNameFor } from './program-name.ts';
import { commandUsage, rootUsage } from './usage.ts';
import { versionCommand } from './version/command.ts';
import { errorMessage } from '../kube/errors.ts';

const commands: readonly CommandDefinition[] = [
  initCommand,
  getCommand,
  joinCommand,
  unjoinCommand,
  enableCommand,
  disableCommand,
  federateCommand,
  orphaningDeletionCommand,
  versionCommand,
];

function processIO(): CliIO {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    programName: programNameFor(process.argv0),
  };
}

/** Run kubefedctl with `argv` (without node and script); resolves to the exit code. */
export async function runCli(
  argv: readonly string[],
  io: CliIO = processIO(),
  available: readonly CommandDefinition[] = commands,
): Promise<number> {
  // Remember whether a progress line is left open, so an error starts on a line of its own.
  const output = { lineOpen: false };
  const trackedIO: CliIO = {
    ...io,
    stdout: (text) => {
      if (text !== '') output.lineOpen = !text.endsWith('\n');
      io.stdout(text);
    },
  };
  const programName = io.programName ?? defaultProgramName;
  let level = 0;
  let command: CommandDefinition | undefined;
  try {
    const { rootArgs, name, commandArgs } = splitCommand(argv);
    const root = parseFlags(rootArgs, globalFlags, false);
    level = verbosity(root.values);
    if (name === undefined) {
      io.stdout(rootUsage(available, programName));
      return 0;
    }
    command = available.find((c) => c.name === name);
    if (!command) throw new UsageError(`unknown command "${name}" for "${programName}"`);
    const parsed = parseFlags(commandArgs, { ...command.flags, ...globalFlags }, true);
    level = Math.max(level, verbosity(parsed.values));
    if (parsed.values['help'] === true || root.values['help'] === true) {
      io.stdout(commandUsage(command, programName));
      return 0;
    }
    const { min, max } = command.positionals ?? { min: 0, max: 0 };
    if (parsed.positionals.length < min || parsed.positionals.length > max) {
      throw new UsageError(
        max === 0
          ? `"${command.name}" takes no arguments, got ${parsed.positionals.map((p) => `"${p}"`).join(' ')}`
          : `"${command.name}" needs ${min === max ? min : `${min} to ${max}`} argument(s), got ${parsed.positionals.length}`,
      );
    }
    await command.run({
      flags: parsed.values,
      positionals: parsed.positionals,
      io: trackedIO,
      verbosity: level,
    });
    return 0;
  } catch (err) {
    if (output.lineOpen) io.stdout('\n');
    io.stderr(formatError(err, level, programName, command));
    return 1;
  }
}

/** `Error: <message>`; a usage hint for usage errors; the stack (and causes) from -v 4 up. */
function formatError(
  err: unknown,
  level: number,
  programName: string,
  command?: CommandDefinition,
): string {
  const message = errorMessage(err);
  let text = `Error: ${message}\n`;
  if (err instanceof UsageError) {
    text += `Run '${programName}${command ? ` ${command.name}` : ''} --help' for usage.\n`;
  }
  if (level >= 4) {
    let current: unknown = err;
    for (let depth = 0; current !== undefined && depth < 5; depth++) {
      if (depth > 0) text += 'Caused by: ';
      text += `${current instanceof Error ? (current.stack ?? current.message) : inspect(current)}\n`;
      current = current instanceof Error ? current.cause : undefined;
    }
  }
  return text;
}

/**
 * Split `[global flags] <command> [command flags and args]`. Only the global flags may come
 * before the command; `-v` takes a value, so the token after it is not the command.
 */
function splitCommand(argv: readonly string[]): {
  rootArgs: string[];
  name: string | undefined;
  commandArgs: string[];
} {
  const rootArgs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') break;
    if (!arg.startsWith('-') || arg === '-') {
      return { rootArgs, name: arg, commandArgs: argv.slice(i + 1) };
    }
    rootArgs.push(arg);
    if ((arg === '-v' || arg === '--v') && i + 1 < argv.length) rootArgs.push(argv[++i] ?? '');
  }
  return { rootArgs, name: undefined, commandArgs: [] };
}

function parseFlags(
  args: string[],
  specs: FlagSpecs,
  allowPositionals: boolean,
): { values: FlagValues; positionals: string[] } {
  const options = Object.fromEntries(
    Object.entries(specs).map(([name, spec]) => [
      name,
      {
        type: spec.type,
        ...(spec.short !== undefined ? { short: spec.short } : {}),
        ...(spec.default !== undefined ? { default: spec.default } : {}),
      },
    ]),
  );
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals, strict: true });
    return { values, positionals };
  } catch (err) {
    throw usageErrorFromParseArgs(err);
  }
}

function usageErrorFromParseArgs(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string' || !code.startsWith('ERR_PARSE_ARGS_')) return err;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const flag = /'([^']+)'/.exec(err.message)?.[1];
    return new UsageError(`unknown flag: ${flag ?? err.message}`);
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const arg = /'([^']+)'/.exec(err.message)?.[1];
    return new UsageError(`unexpected argument: ${arg ?? err.message}`);
  }
  return new UsageError(err.message);
}
