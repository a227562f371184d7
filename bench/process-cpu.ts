// CPU seconds per process of the benchmark's machine, grouped by role: etcd, the host's and the
// members' apiservers, the kube-controller-managers, kube-schedulers and kwoks, the controller
// manager, and the benchmark itself. Read before and after a phase, it shows where the machine's
// CPU went: whether the controller manager, the host's writes, or the benchmark's own watching
// is what costs.
import { readFileSync } from 'node:fs';
import { sandboxPaths } from '../src/sandbox/layout.ts';
import { clusterComponents, readState } from '../src/sandbox/state.ts';

const clockTicks = 100; // USER_HZ on Linux

export type CpuByRole = Record<string, number>;

/** utime + stime of `pid` in seconds; undefined once it has exited. */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat, 12 and 13 after "(comm) ".
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return undefined;
  }
}

/** The sandbox's processes by role, plus `extra` (e.g. the manager), plus this process. */
export function cpuByRole(sandboxDir: string, extra: Record<string, number> = {}): CpuByRole {
  const state = readState(sandboxPaths(sandboxDir).state);
  const roles: CpuByRole = {
    etcd: 0,
    host_apiserver: 0,
    member_apiservers: 0,
    kcms: 0,
    schedulers: 0,
    kwoks: 0,
  };
  const componentRole = {
    'kube-controller-manager': 'kcms',
    'kube-scheduler': 'schedulers',
    kwok: 'kwoks',
  } as const;
  const add = (role: string, pid: number): void => {
    roles[role] = (roles[role] ?? 0) + (processCpuSeconds(pid) ?? 0);
  };
  if (state) {
    add('etcd', state.etcd.pid);
    for (const c of state.clusters) {
      add(c.name === 'host' ? 'host_apiserver' : 'member_apiservers', c.apiserver.pid);
      for (const { name, process } of clusterComponents(c)) add(componentRole[name], process.pid);
    }
  }
  const self = process.cpuUsage();
  return { ...roles, ...extra, bench: (self.user + self.system) / 1e6 };
}

/** `after - before` per role, rounded to 0.01 s. */
export function cpuDelta(before: CpuByRole, after: CpuByRole): CpuByRole {
  return Object.fromEntries(
    Object.entries(after).map(([k, v]) => [k, Math.round((v - (before[k] ?? 0)) * 100) / 100]),
  );
}

/**
 * CPU seconds of work: `delta` less what the roles burn at rest (`idlePerSecond`, CPU-s per
 * second) over `seconds`. The sandbox's apiservers, controller managers and etcd are never quite
 * idle; a longer phase pays more of that, which is not work the phase caused.
 */
export function workCpu(delta: CpuByRole, idlePerSecond: CpuByRole, seconds: number): number {
  return Object.entries(delta).reduce(
    (sum, [role, cpu]) => sum + Math.max(0, cpu - (idlePerSecond[role] ?? 0) * seconds),
    0,
  );
}
