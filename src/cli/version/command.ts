// `kubefedctl version` (spec §13.8).
import { formatVersionInfo, versionInfo } from '../build-info.ts';
import type { CommandDefinition } from '../command.ts';

export const versionCommand: CommandDefinition = {
  name: 'version',
  summary: 'Print the version information of kubefedctl',
  usage: '[flags]',
  flags: {},
  run({ io }) {
    io.stdout(`kubefedctl version: ${formatVersionInfo(versionInfo())}\n`);
    return Promise.resolve();
  },
};
