// The KubeFedCluster controller (spec §5): every period, probe each registered member's /healthz
// (and /version while ready) and publish Ready / Offline / ConfigMalformed conditions. All
// clusters are probed concurrently, each with its own timeout, so a dead member never delays
// the others. Status is written only when it changed (not merely its probe time), so a healthy,
// stable federation costs no host writes.
import { kubeTime } from '../../apis/time.ts';
import { isDeepStrictEqual } from 'node:util';
import { kubeFedClustersResource } from '../../apis/resources.ts';
import type { KubeFedCluster } from '../../apis/types.ts';
import { KubeClient } from '../../kube/client.ts';
import { isConflict, isNotFound, errorMessage } from '../../kube/errors.ts';
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
import { loadMemberConnection } from '../../multicluster/member-connection.ts';

export interface ClusterHealthCheckOptions extends HealthThresholds {
  periodMs: number;
  timeoutMs: number;
}

export interface ClusterControllerDeps {
  host: KubeClient;
  namespace: string;
  options: ClusterHealthCheckOptions;
  logger: Logger;
  metrics: KubeFedMetrics;
  events: EventRecorder;
  userAgent: string;
}

interface MemberEntry {
  /** spec, labels and annotations the client was built from; a change rebuilds it. */
  identity: unknown;
  client: KubeClient | undefined;
  record: HealthRecord | undefined;
}

export class ClusterController {
  readonly #deps: ClusterControllerDeps;
  readonly #entries = new Map<string, MemberEntry>();
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
    tick();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
    await Promise.all(
      [...this.#entries.values()].flatMap((e) => (e.client ? [e.client.close()] : [])),
    );
    this.#entries.clear();
  }

  /** One round: list the clusters, probe each, publish what changed. */
  async probeAll(): Promise<void> {
    const { host, namespace, logger, metrics } = this.#deps;
    const started = performance.now();
    let clusters: KubeFedCluster[];
    try {
      clusters = (await host.list(kubeFedClustersResource, { namespace }))
        .items as KubeFedCluster[];
    } catch (error) {
      logger.error('Listing KubeFedClusters failed', error);
      return;
    }
    const names = new Set(clusters.map((c) => c.metadata?.name ?? ''));
    for (const [name, entry] of this.#entries) {
      if (names.has(name)) continue;
      void entry.client?.close();
      this.#entries.delete(name);
      forgetClusterState(metrics.kubefedClusterTotal, name);
    }
    await Promise.all(clusters.map((cluster) => this.#probeCluster(cluster)));
    metrics.clusterHealthStatusDuration.observe((performance.now() - started) / 1000);
  }

  async #probeCluster(cluster: KubeFedCluster): Promise<void> {
    const name = cluster.metadata?.name ?? '';
    const logger = this.#deps.logger.child({ cluster: name });
    const entry = await this.#entryFor(cluster, logger);
    const now = kubeTime(Date.now());
    const { outcome, version } = entry.client
      ? await this.#probe(entry.client)
      : { outcome: { kind: 'malformed' } as ProbeOutcome, version: undefined };
    if (outcome.kind === 'unreachable') {
      this.#deps.events.record(
        cluster,
        'Warning',
        'RetrievingClusterHealthFailed',
        `Failed to retrieve health of cluster: ${outcome.error}`,
      );
    }
    entry.record = nextHealthRecord(
      entry.record ?? previousRecord(cluster),
      conditionsForProbe(outcome, now),
      this.#deps.options,
      now,
    );
    recordClusterState(
      this.#deps.metrics.kubefedClusterTotal,
      name,
      clusterHealthState(entry.record.conditions),
    );
    const status = clusterStatus(entry.record, version ?? cluster.status?.kubernetesVersion);
    if (sameStatusIgnoringProbeTime(cluster.status, status)) return;
    try {
      await this.#writeStatus(cluster, status);
      logger.v(2).info('Updated cluster status', { state: clusterHealthState(status.conditions) });
    } catch (error) {
      if (isNotFound(error)) return; // deleted meanwhile
      logger.error('Updating cluster status failed', error);
    }
  }

  async #entryFor(cluster: KubeFedCluster, logger: Logger): Promise<MemberEntry> {
    const name = cluster.metadata?.name ?? '';
    const identity = {
      spec: cluster.spec,
      labels: cluster.metadata?.labels,
      annotations: cluster.metadata?.annotations,
    };
    let entry = this.#entries.get(name);
    if (entry && !isDeepStrictEqual(entry.identity, identity)) {
      void entry.client?.close();
      entry = undefined;
    }
    if (!entry) {
      entry = { identity, client: undefined, record: undefined };
      this.#entries.set(name, entry);
    }
    if (!entry.client) {
      const started = performance.now();
      try {
        const config = await loadMemberConnection(this.#deps.host, this.#deps.namespace, cluster);
        entry.client = new KubeClient(config, {
          cluster: name,
          timeoutMs: this.#deps.options.timeoutMs,
          userAgent: this.#deps.userAgent,
        });
        this.#deps.metrics.clusterClientConnectionDuration.observe(
          (performance.now() - started) / 1000,
        );
      } catch (error) {
        const message = errorMessage(error);
        logger.error('Building the cluster client failed', error);
        this.#deps.events.record(
          cluster,
          'Warning',
          'MalformedClusterConfig',
          `The configuration for this cluster may be malformed: ${message}`,
        );
      }
    }
    return entry;
  }

  async #probe(
    client: KubeClient,
  ): Promise<{ outcome: ProbeOutcome; version: string | undefined }> {
    let body: unknown;
    try {
      body = await client.request('GET', '/healthz');
    } catch (error) {
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
    const version = await client.discovery.serverVersion().then(
      (v) => v.gitVersion,
      () => undefined,
    );
    return { outcome: { kind: 'ok' }, version };
  }

  async #writeStatus(cluster: KubeFedCluster, status: KubeFedCluster['status']): Promise<void> {
    const { host } = this.#deps;
    try {
      await host.updateStatus(kubeFedClustersResource, { ...cluster, status });
    } catch (error) {
      if (!isConflict(error)) throw error;
      const fresh = (await host.get(kubeFedClustersResource, cluster.metadata?.name ?? '', {
        namespace: this.#deps.namespace,
      })) as KubeFedCluster;
      await host.updateStatus(kubeFedClustersResource, { ...fresh, status });
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
    conditions: (s?.conditions ?? []).map((c) => ({ ...c, lastProbeTime: undefined })),
  });
  return isDeepStrictEqual(strip(current), strip(next));
}
