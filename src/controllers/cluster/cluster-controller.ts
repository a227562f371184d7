// The KubeFedCluster controller (spec §5): every period, probe each registered member's /healthz
// (and /version while ready) and publish Ready / Offline / ConfigMalformed conditions. All
// clusters are probed concurrently, each with its own timeout, so a dead member never delays
// the others. Status is written only when it changed (not merely its probe time), so a healthy,
// stable federation costs no host writes. Clusters and their clients come from the shared
// ClusterRegistry: the probes use the same client (and connection pool) as propagation.
// The status also carries the cluster's region and zones (`federation/cluster-topology.ts`): from
// its annotations, else (CrossClusterServiceDiscovery on) its nodes' topology labels, else as they
// were, so a status rewrite never loses them.
import { kubeTime } from '../../apis/time.ts';
import { isDeepStrictEqual } from 'node:util';
import { isJsonObject } from '../../json/object.ts';
import { kubeFedClustersResource } from '../../apis/resources.ts';
import type { KubeFedCluster } from '../../apis/types.ts';
import {
  clusterTopology,
  topologyAnnotated,
  type ClusterTopology,
} from '../../federation/cluster-topology.ts';
import type { KubeObject } from '../../json/object.ts';
import type { KubeClient } from '../../kube/client.ts';
import { errorMessage, isConflict, isNotFound, isUnauthorized } from '../../kube/errors.ts';
import {
  clusterHealthState,
  clusterStatus,
  conditionsForProbe,
  nextHealthRecord,
  type HealthRecord,
  type HealthThresholds,
  type ProbeOutcome,
} from '../../federation/cluster-health.ts';
import type { EventRecorder } from '../../runtime/events.ts';
import type { Logger } from '../../runtime/logger.ts';
import {
  forgetClusterState,
  recordClusterState,
  type KubeFedMetrics,
} from '../../runtime/metrics.ts';
import type { ClusterRegistry } from '../../multicluster/cluster-registry.ts';

export interface ClusterHealthCheckOptions extends HealthThresholds {
  periodMs: number;
  timeoutMs: number;
}

export interface ClusterControllerDeps {
  host: KubeClient;
  clusters: ClusterRegistry;
  options: ClusterHealthCheckOptions;
  logger: Logger;
  metrics: KubeFedMetrics;
  events: EventRecorder;
  /** Ends with the leadership term: no probe round starts after it, no status write is sent. */
  signal: AbortSignal;
  /**
   * Read region and zones from the nodes of ready members whose annotations do not give them
   * (the CrossClusterServiceDiscovery gate, as v0.6.1): one LIST of nodes per probe.
   */
  topologyFromNodes?: boolean;
}

const nodesResource = { group: '', version: 'v1', resource: 'nodes', namespaced: false };

interface ProbeResult {
  outcome: ProbeOutcome;
  version: string | undefined;
  /** The member's nodes, when they were read. */
  nodes?: KubeObject[] | undefined;
}

export class ClusterController {
  readonly #deps: ClusterControllerDeps;
  /** Each cluster's health so far (thresholds count consecutive probes). */
  readonly #records = new Map<string, HealthRecord>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(deps: ClusterControllerDeps) {
    this.#deps = deps;
  }

  start(): void {
    this.#deps.logger.info('Starting cluster controller');
    const tick = (): void => {
      this.#running = this.probeAll().finally(() => {
        if (!this.#stopped) this.#timer = setTimeout(tick, this.#deps.options.periodMs);
      });
    };
    this.#deps.signal.addEventListener('abort', () => clearTimeout(this.#timer), { once: true });
    tick();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  /** One round: probe each registered cluster, publish what changed. */
  async probeAll(): Promise<void> {
    const { clusters: registry, metrics, signal } = this.#deps;
    if (signal.aborted || !registry.hasSynced()) return;
    const started = performance.now();
    const clusters = registry.clusters();
    const names = new Set(clusters.map((c) => c.metadata?.name ?? ''));
    for (const name of this.#records.keys()) {
      if (names.has(name)) continue;
      this.#records.delete(name);
      forgetClusterState(metrics.kubefedClusterTotal, name);
    }
    await Promise.all(clusters.map((cluster) => this.#probeCluster(cluster)));
    metrics.clusterHealthStatusDuration.observe((performance.now() - started) / 1000);
  }

  async #probeCluster(cluster: KubeFedCluster): Promise<void> {
    const name = cluster.metadata?.name ?? '';
    const logger = this.#deps.logger.child({ cluster: name });
    const { outcome, version, nodes } = await this.#probeWithClient(cluster, logger);
    const now = kubeTime(Date.now());
    if (outcome.kind === 'unreachable') {
      this.#deps.events.record(
        cluster,
        'Warning',
        'RetrievingClusterHealthFailed',
        `Failed to retrieve health of cluster: ${outcome.error}`,
      );
    }
    const record = nextHealthRecord(
      this.#records.get(name) ?? previousRecord(cluster),
      conditionsForProbe(outcome, now),
      this.#deps.options,
      now,
    );
    this.#records.set(name, record);
    recordClusterState(
      this.#deps.metrics.kubefedClusterTotal,
      name,
      clusterHealthState(record.conditions),
    );
    const topology: ClusterTopology = clusterTopology({
      annotations: cluster.metadata?.annotations,
      nodes,
      previous: cluster.status,
    });
    const status = {
      ...clusterStatus(record, version ?? cluster.status?.kubernetesVersion),
      ...topology,
    };
    if (sameStatusIgnoringProbeTime(cluster.status, status) || this.#deps.signal.aborted) return;
    try {
      await this.#writeStatus(cluster, status);
      logger.v(2).info('Updated cluster status', { state: clusterHealthState(status.conditions) });
    } catch (error) {
      if (isNotFound(error)) return; // deleted meanwhile
      logger.error('Updating cluster status failed', error);
    }
  }

  /** Probes through the registry's client; a cluster whose client cannot be built is malformed. */
  async #probeWithClient(cluster: KubeFedCluster, logger: Logger): Promise<ProbeResult> {
    const name = cluster.metadata?.name ?? '';
    let client: KubeClient;
    try {
      client = await this.#deps.clusters.acquire(name);
    } catch (error) {
      logger.error('Building the cluster client failed', error);
      this.#deps.events.record(
        cluster,
        'Warning',
        'MalformedClusterConfig',
        `The configuration for this cluster may be malformed: ${errorMessage(error)}`,
      );
      return { outcome: { kind: 'malformed' }, version: undefined };
    }
    try {
      const result = await this.#probe(client, name);
      if (
        result.outcome.kind !== 'ok' ||
        this.#deps.topologyFromNodes !== true ||
        topologyAnnotated(cluster.metadata?.annotations)
      ) {
        return result;
      }
      return { ...result, nodes: await this.#listNodes(client, cluster, logger) };
    } finally {
      this.#deps.clusters.release(client);
    }
  }

  /** The member's nodes, for their topology labels; undefined (and an Event) when unreadable. */
  async #listNodes(
    client: KubeClient,
    cluster: KubeFedCluster,
    logger: Logger,
  ): Promise<KubeObject[] | undefined> {
    try {
      const list = await client.list(nodesResource, {
        signal: this.#deps.signal,
        timeoutMs: this.#deps.options.timeoutMs,
      });
      return list.items;
    } catch (error) {
      logger.error('Listing the nodes for region and zones failed', error);
      this.#deps.events.record(
        cluster,
        'Warning',
        'RetrievingRegionZonesFailed',
        `Failed to get the cluster's region and zones from its nodes: ${errorMessage(error)}. Grant list on nodes to the cluster's service account, or set them with kubefedctl join --region --zones`,
      );
      return undefined;
    }
  }

  async #probe(client: KubeClient, name: string): Promise<ProbeResult> {
    const options = {
      timeoutMs: this.#deps.options.timeoutMs,
      skipRateLimit: true,
      signal: this.#deps.signal,
    };
    let body: unknown;
    try {
      body = await client.request('GET', '/healthz', options);
    } catch (error) {
      // A rotated token: the next round probes with the new one.
      if (isUnauthorized(error)) {
        await this.#deps.clusters.refreshCredentials(name).catch((e: unknown) => {
          this.#deps.logger.error('Re-reading the cluster credentials failed', e, {
            cluster: name,
          });
        });
      }
      // An HTTP answer other than 2xx still means the cluster is reachable.
      if (error instanceof Error && 'statusCode' in error)
        return { outcome: { kind: 'notOk' }, version: undefined };
      return {
        outcome: {
          kind: 'unreachable',
          error: errorMessage(error),
        },
        version: undefined,
      };
    }
    if (typeof body !== 'string' || body.trim().toLowerCase() !== 'ok')
      return { outcome: { kind: 'notOk' }, version: undefined };
    const version = await client.request('GET', '/version', options).then(
      (v) => (isJsonObject(v) && typeof v['gitVersion'] === 'string' ? v['gitVersion'] : undefined),
      () => undefined,
    );
    return { outcome: { kind: 'ok' }, version };
  }

  /** The status is the controller's alone: on a conflict it is written over the fresh object. */
  async #writeStatus(cluster: KubeFedCluster, status: KubeFedCluster['status']): Promise<void> {
    const { host, signal } = this.#deps;
    try {
      await host.updateStatus(kubeFedClustersResource, { ...cluster, status }, { signal });
    } catch (error) {
      if (!isConflict(error)) throw error;
      const fresh = (await host.get(kubeFedClustersResource, cluster.metadata?.name ?? '', {
        namespace: cluster.metadata?.namespace,
        signal,
      })) as KubeFedCluster;
      await host.updateStatus(kubeFedClustersResource, { ...fresh, status }, { signal });
    }
  }
}

/** After a restart, continue from what the cluster last published instead of starting afresh. */
function previousRecord(cluster: KubeFedCluster): HealthRecord | undefined {
  const conditions = cluster.status?.conditions;
  return conditions && conditions.length > 0
    ? { conditions: conditions.map((c) => ({ ...c })), disagreeingProbes: 0 }
    : undefined;
}

function sameStatusIgnoringProbeTime(
  current: KubeFedCluster['status'],
  next: KubeFedCluster['status'],
): boolean {
  const strip = (s: KubeFedCluster['status']): unknown => ({
    kubernetesVersion: s?.kubernetesVersion,
    region: s?.region,
    zones: s?.zones,
    conditions: (s?.conditions ?? []).map((c) => ({ ...c, lastProbeTime: undefined })),
  });
  return isDeepStrictEqual(strip(current), strip(next));
}
