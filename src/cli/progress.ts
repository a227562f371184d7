// How long-running commands (init, join) report their steps as they happen.
import type { CliIO } from './command.ts';

/** `begin` a step, then call what it returns with the step's outcome. */
export interface Progress {
  begin(title: string): (outcome: string) => void;
}

/** `Installing CRDs... done (11)`: the title when the step starts, the outcome when it ends. */
export function lineProgress(io: CliIO): Progress {
  return {
    begin(title) {
      io.stdout(`${title}... `);
      return (outcome) => io.stdout(`${outcome}\n`);
    },
  };
}

/** Reports nothing: for output that must parse as it is (`-o yaml`), and for callers of the API. */
export const silentProgress: Progress = { begin: () => () => undefined };
