// What a sync pass collects from the member objects for the federated object's status: their raw
// `.status` (KubeFed's RawResourceStatusCollection, spec §8.2) and, for the workload types, the
// aggregated workload status (kubefed-ts). The member objects come from the pass itself (the
// answer to its write) or the member cache, so collecting costs no request. A member status change
// queues the federated object behind ordinary work, once per window however often the member
// changes (`windowMs`): that is the bound on status writes per object.
import type { KubeObject } from '../../json/object.ts';
import type { MemberClusterState } from '../../federation/propagation/member-operations.ts';
import type { RenderResult } from '../../federation/propagation/render.ts';
import type { WorkloadKind } from '../../apis/workload-types.ts';
import { clusterWorkload } from '../../federation/status/workload-kinds.ts';
import { aggregateWorkload } from '../../federation/status/workload-status.ts';
import type { WorkloadStatus } from '../../apis/types.ts';

export interface StatusCollectionOptions {
  /** RawResourceStatusCollection is on and the FTC says `statusCollection: Enabled`. */
  raw: boolean;
  /** The target's workload kind; undefined for types without a workload status. */
  workload: WorkloadKind | undefined;
  /** Member status changes of one object within this time make one pass. */
  windowMs: number;
}

/** One sync controller's status collection: its settings and the member changes not yet collected. */
export class StatusCollection {
  readonly raw: boolean;
  readonly windowMs: number;
  #workload: WorkloadKind | undefined;
  /** Federated key → when the first member status change not yet collected was seen. */
  readonly #changedSince = new Map<string, number>();

  constructor(options: StatusCollectionOptions) {
    this.raw = options.raw;
    this.#workload = options.workload;
    this.windowMs = options.windowMs;
  }

  /** Whether member status changes matter at all. */
  get collects(): boolean {
    return this.raw || this.#workload !== undefined;
  }

  get workload(): WorkloadKind | undefined {
    return this.#workload;
  }

  /** The federated CRD drops `status.workload` (generated before it existed): stop writing it. */
  workloadPruned(): void {
    this.#workload = undefined;
  }

  noteMemberChange(key: string, now: number): void {
    if (!this.#changedSince.has(key)) this.#changedSince.set(key, now);
  }

  /** When the oldest uncollected member change of `key` was seen; forgets it. */
  takeMemberChange(key: string): number | undefined {
    const since = this.#changedSince.get(key);
    this.#changedSince.delete(key);
    return since;
  }
}

export interface CollectedMemberStatus {
  /** With raw collection: each slot's member `.status`, where the member object has one. */
  remoteStatuses?: Map<string, unknown>;
  workload?: { kind: WorkloadKind; status: WorkloadStatus };
}

export interface MemberStatusInput {
  /** Clusters with a status slot (placed ones, plus pending removals). */
  slots: Iterable<string>;
  /** Where the object is placed. */
  selected: readonly string[];
  states: readonly MemberClusterState[];
  /** Member objects this pass wrote: newer than the cache. */
  written: ReadonlyMap<string, KubeObject>;
  /** The rendered object of a placed cluster (its desired counts before it exists). */
  render: (cluster: string) => RenderResult | undefined;
}

export function collectMemberStatus(
  collection: StatusCollection,
  input: MemberStatusInput,
): CollectedMemberStatus {
  const byName = new Map(input.states.map((s) => [s.name, s]));
  const latest = (cluster: string): KubeObject | undefined => {
    const state = byName.get(cluster);
    if (state?.ready !== true) return undefined;
    return input.written.get(cluster) ?? state.observed;
  };
  const collected: CollectedMemberStatus = {};
  if (collection.raw) {
    const remoteStatuses = new Map<string, unknown>();
    for (const cluster of input.slots) {
      const status = latest(cluster)?.['status'];
      if (status !== undefined && status !== null) remoteStatuses.set(cluster, status);
    }
    collected.remoteStatuses = remoteStatuses;
  }
  const kind = collection.workload;
  if (kind !== undefined) {
    const entries = input.selected.map((name) => {
      const rendered = input.render(name);
      return clusterWorkload(kind, {
        name,
        clusterReady: byName.get(name)?.ready === true,
        observed: latest(name),
        desired: rendered?.ok === true ? rendered.object : undefined,
      });
    });
    collected.workload = { kind, status: aggregateWorkload(kind, entries) };
  }
  return collected;
}
