// Help text for the top level and for each command.
import type { CommandDefinition, FlagSpecs } from './command.ts';
import { globalFlags } from './flags.ts';
import { defaultProgramName } from './program-name.ts';

export function rootUsage(
  commands: readonly CommandDefinition[],
  programName = defaultProgramName,
): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `${programName} controls a KubeFed control plane (Kubernetes Cluster Federation).`,
    '',
    'Usage:',
    `  ${programName} <command> [flags]`,
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}   ${c.summary}`),
    '',
    'Flags:',
    ...flagLines(globalFlags),
    '',
    `Use "${programName} <command> --help" for more information about a command.`,
    '',
  ].join('\n');
}

export function commandUsage(command: CommandDefinition, programName = defaultProgramName): string {
  const lines = [command.description ?? command.summary, '', 'Usage:'];
  lines.push(`  ${programName} ${command.name} ${command.usage}`.trimEnd(), '');
  if (command.examples?.length) {
    const example = (e: string): string =>
      e.startsWith(`${defaultProgramName} `)
        ? `${programName}${e.slice(defaultProgramName.length)}`
        : e;
    lines.push('Examples:', ...command.examples.map((e) => `  ${example(e)}`), '');
  }
  lines.push('Flags:', ...flagLines({ ...command.flags, ...globalFlags }), '');
  return lines.join('\n');
}

function flagLines(flags: FlagSpecs): string[] {
  const entries = Object.entries(flags)
    .filter(([, spec]) => !spec.hidden)
    .sort(([a], [b]) => a.localeCompare(b));
  const names = entries.map(([name, spec]) => {
    const short = spec.short ? `-${spec.short}, ` : '    ';
    const value = spec.type === 'string' ? ` ${spec.valueName ?? 'VALUE'}` : '';
    return `${short}--${name}${value}`;
  });
  const width = Math.max(0, ...names.map((n) => n.length));
  return entries.map(([, spec], i) => {
    const shown =
      typeof spec.default === 'string' && spec.default !== '' ? ` (default "${spec.default}")` : '';
    return `  ${(names[i] ?? '').padEnd(width)}   ${spec.description}${shown}`;
  });
}
