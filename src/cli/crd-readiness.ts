// Waiting for CustomResourceDefinitions to be served (Established), as init does for KubeFed's own
// CRDs and enable for a federated type's, and saying why one is not.
import { setTimeout as sleep } from 'node:timers/promises';
import { isJsonObject, type KubeObject } from '../json/object.ts';
import type { KubeClient } from '../kube/client.ts';
import { customResourceDefinitionsResource } from '../kube/resource.ts';

/** Polls the named CRDs until all are Established; on timeout says which are not, and why. */
export async function waitForEstablished(
  client: KubeClient,
  names: string[],
  options: { timeoutMs: number; pollIntervalMs: number; signal?: AbortSignal | undefined },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let pending = names;
  const problems = new Map<string, string>();
  for (;;) {
    const states = await Promise.all(
      pending.map(async (name) => {
        const crd = await client.get(customResourceDefinitionsResource, name, {
          signal: options.signal,
        });
        return { name, ...crdReadiness(crd) };
      }),
    );
    for (const state of states) {
      if (state.problem !== undefined) problems.set(state.name, state.problem);
    }
    pending = states.filter((s) => !s.established).map((s) => s.name);
    if (pending.length === 0) return;
    if (Date.now() >= deadline) {
      const details = pending.map((name) => {
        const problem = problems.get(name);
        return problem ? `${name} (${problem})` : name;
      });
      throw new Error(
        `CRD${pending.length > 1 ? 's' : ''} not Established after ${formatDuration(options.timeoutMs)}: ${details.join(', ')}`,
      );
    }
    await sleep(options.pollIntervalMs, undefined, { signal: options.signal });
  }
}

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

/** A condition of an object's `status.conditions`, if present. */
function findCondition(obj: KubeObject, type: string): Condition | undefined {
  const status = obj['status'];
  const conditions = isJsonObject(status) ? status['conditions'] : undefined;
  if (!Array.isArray(conditions)) return undefined;
  return conditions.find((c): c is Condition => isJsonObject(c) && c['type'] === type);
}

/** CRD readiness: Established=True; or why not, when the server says (e.g. NamesAccepted=False). */
export function crdReadiness(crd: KubeObject): { established: boolean; problem?: string } {
  if (findCondition(crd, 'Established')?.status === 'True') return { established: true };
  const names = findCondition(crd, 'NamesAccepted');
  if (names?.status === 'False') {
    return { established: false, problem: names.message ?? names.reason ?? 'names not accepted' };
  }
  return { established: false };
}

function formatDuration(ms: number): string {
  return ms >= 1000 ? `${ms / 1000}s` : `${ms}ms`;
}
