// The sandbox's record of what it started: ports, PIDs and the exact command lines, so that
// `down` stops exactly these processes and `start CLUSTER` relaunches an apiserver unchanged.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export interface ProcessRecord {
  pid: number;
  command: string;
  args: string[];
  log: string;
}

export interface ClusterRecord {
  name: string;
  server: string;
  token: string;
  apiserver: ProcessRecord;
  controllerManager?: ProcessRecord;
}

export interface SandboxState {
  binDir: string;
  etcd: ProcessRecord & { endpoint: string };
  clusters: ClusterRecord[];
}

export function readState(file: string): SandboxState | undefined {
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as SandboxState;
}

export function writeState(file: string, state: SandboxState): void {
  writeFileSync(file, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
}

export function allProcesses(state: SandboxState): ProcessRecord[] {
  return [
    state.etcd,
    ...state.clusters.flatMap((c) =>
      c.controllerManager ? [c.apiserver, c.controllerManager] : [c.apiserver],
    ),
  ];
}
