import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serveMetrics } from '../../../src/runtime/http-server.ts';
import {
  ClusterState,
  KUBEFED_DURATION_BUCKETS,
  MetricsRegistry,
  RECONCILE_TIME_BUCKETS,
  WORKQUEUE_DURATION_BUCKETS,
  forgetClusterState,
  recordClusterState,
  registerKubeFedMetrics,
} from '../../../src/runtime/metrics.ts';
import type { KubeFedMetrics } from '../../../src/runtime/metrics.ts';

// One sample line of the 0.0.4 text format: name, optional labels, value. prom-client writes NaN
// (the event loop lag mean before any sample) as `Nan`, which Prometheus' parser, Go's ParseFloat,
// reads as well.
const SAMPLE_LINE =
  /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"(,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*")*\})? (?:[+-]?Inf|Na[Nn]|-?\d+(?:\.\d+)?(?:e[+-]\d+)?)$/;

/** The text a scraper reads from `/metrics`, through a real HTTP server. */
async function scrape(registry: MetricsRegistry): Promise<string> {
  const server = await serveMetrics('127.0.0.1:0', registry);
  try {
    const res = await fetch(`${server.url}/metrics`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
    return await res.text();
  } finally {
    await server.close();
  }
}

function kubefed(): { registry: MetricsRegistry; m: KubeFedMetrics } {
  const registry = new MetricsRegistry();
  return { registry, m: registerKubeFedMetrics(registry) };
}

/** `# TYPE` lines as `name type`. */
function families(text: string): Map<string, string> {
  return new Map([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((x) => [x[1] ?? '', x[2] ?? '']));
}

/** The `le` bounds of one histogram series, in order. */
function bucketBounds(text: string, name: string): string[] {
  return [...text.matchAll(new RegExp(`^${name}_bucket\\{le="([^"]+)"`, 'gm'))].map(
    (x) => x[1] ?? '',
  );
}

function lines(text: string, pattern: RegExp): string[] {
  return text.split('\n').filter((line) => pattern.test(line));
}

describe('KubeFed metrics on /metrics', () => {
  it('exposes the families of spec §12 with their types', async () => {
    const { registry } = kubefed();
    const types = families(await scrape(registry));
    const expected: [string, string][] = [
      ['kubefedcluster_total', 'gauge'],
      ['joined_cluster_total', 'gauge'],
      ['cluster_health_status_duration_seconds', 'histogram'],
      ['cluster_client_connection_duration_seconds', 'histogram'],
      ['reconcile_federated_resources_duration_seconds', 'histogram'],
      ['join_cluster_duration_seconds', 'histogram'],
      ['unjoin_cluster_duration_seconds', 'histogram'],
      ['dispatch_operation_duration_seconds', 'histogram'],
      ['controller_runtime_reconcile_duration_seconds', 'histogram'],
      ['controller_runtime_reconcile_total', 'counter'],
      ['controller_runtime_reconcile_errors_total', 'counter'],
      ['controller_runtime_reconcile_time_seconds', 'histogram'],
      ['controller_runtime_max_concurrent_reconciles', 'gauge'],
      ['controller_runtime_active_workers', 'gauge'],
      ['workqueue_depth', 'gauge'],
      ['workqueue_adds_total', 'counter'],
      ['workqueue_queue_duration_seconds', 'histogram'],
      ['workqueue_work_duration_seconds', 'histogram'],
      ['workqueue_retries_total', 'counter'],
      ['process_cpu_seconds_total', 'counter'],
      ['process_start_time_seconds', 'gauge'],
      ['process_resident_memory_bytes', 'gauge'],
      ['nodejs_heap_size_used_bytes', 'gauge'],
    ];
    for (const [name, type] of expected) assert.equal(types.get(name), type, name);
  });

  it('labels series with KubeFed label names and buckets', async () => {
    const { registry, m } = kubefed();
    recordClusterState(m.kubefedClusterTotal, 'member1', ClusterState.Ready);
    m.dispatchOperationDuration.labels({ action: 'create' }).observe(0.02);
    m.clusterHealthStatusDuration.observe(0.2);
    m.reconcileTotal.labels({ result: 'success', controller: 'federatedtypeconfig' }).inc();
    m.reconcileTimeSeconds.labels({ controller: 'federatedtypeconfig' }).observe(0.3);
    m.workQueueQueueDurationSeconds.labels({ name: 'federatedtypeconfig' }).observe(0);
    m.controllerReconcileDuration.labels({ controller: 'statuscontroller' }).observe(1);
    const text = await scrape(registry);

    for (const line of text.split('\n').filter((l) => l !== '' && !l.startsWith('#'))) {
      assert.match(line, SAMPLE_LINE);
    }
    assert.match(text, /^kubefedcluster_total\{cluster="member1",state="ready"\} 1$/m);
    assert.match(text, /^kubefedcluster_total\{cluster="member1",state="offline"\} 0$/m);
    assert.match(
      text,
      /^dispatch_operation_duration_seconds_bucket\{le="0.05",action="create"\} 1$/m,
    );
    assert.match(text, /^cluster_health_status_duration_seconds_bucket\{le="1000"\} 1$/m);
    assert.match(
      text,
      /^controller_runtime_reconcile_total\{controller="federatedtypeconfig",result="success"\} 1$/m,
      'label names sorted whatever the caller passed',
    );
    assert.match(
      text,
      /^controller_runtime_reconcile_duration_seconds_count\{controller="statuscontroller"\} 1$/m,
    );

    const withInf = (bounds: readonly number[]): string[] => [...bounds.map(String), '+Inf'];
    assert.deepEqual(
      bucketBounds(text, 'cluster_health_status_duration_seconds'),
      withInf(KUBEFED_DURATION_BUCKETS),
    );
    assert.equal(KUBEFED_DURATION_BUCKETS.length, 21);
    assert.deepEqual(
      bucketBounds(text, 'controller_runtime_reconcile_time_seconds'),
      withInf(RECONCILE_TIME_BUCKETS),
    );
    assert.equal(RECONCILE_TIME_BUCKETS[0], 0.005);
    assert.equal(RECONCILE_TIME_BUCKETS.at(-1), 60);
    assert.equal(RECONCILE_TIME_BUCKETS.length, 40);
    assert.deepEqual(
      bucketBounds(text, 'workqueue_queue_duration_seconds'),
      withInf(WORKQUEUE_DURATION_BUCKETS),
    );
    assert.deepEqual(
      WORKQUEUE_DURATION_BUCKETS.map((b) => b.toExponential(0)),
      ['1e-8', '1e-7', '1e-6', '1e-5', '1e-4', '1e-3', '1e-2', '1e-1', '1e+0', '1e+1'],
    );
  });

  it('creates a series at zero the first time its labels are used', async () => {
    const { registry, m } = kubefed();
    m.reconcileTotal.labels({ controller: 'federatedconfigmap', result: 'error' });
    m.workQueueDepth.labels({ name: 'federatedconfigmap' });
    m.reconcileTimeSeconds.labels({ controller: 'federatedconfigmap' });
    m.reconcileTimeSeconds.labels({ controller: 'federatedconfigmap' });
    const text = await scrape(registry);
    assert.match(
      text,
      /^controller_runtime_reconcile_total\{controller="federatedconfigmap",result="error"\} 0$/m,
    );
    assert.match(text, /^workqueue_depth\{name="federatedconfigmap"\} 0$/m);
    assert.deepEqual(lines(text, /^controller_runtime_reconcile_time_seconds_count/), [
      'controller_runtime_reconcile_time_seconds_count{controller="federatedconfigmap"} 0',
    ]);
    assert.deepEqual(lines(text, /^dispatch_operation_duration_seconds_/), [], 'none used yet');
  });

  it('observes reconcile_federated_resources_duration_seconds once per recorded reconcile', async () => {
    const { registry, m } = kubefed();
    m.recordFederatedResourceReconcile(0.03);
    m.recordFederatedResourceReconcile(2);
    const text = await scrape(registry);
    assert.match(text, /^reconcile_federated_resources_duration_seconds_count 2$/m);
    assert.match(text, /^reconcile_federated_resources_duration_seconds_sum 2\.03$/m);
    assert.match(text, /^reconcile_federated_resources_duration_seconds_bucket\{le="0.05"\} 1$/m);
    assert.match(text, /^reconcile_federated_resources_duration_seconds_bucket\{le="2.5"\} 2$/m);
  });

  it('counts the clusters known to the cluster controller in joined_cluster_total', async () => {
    const { registry, m } = kubefed();
    assert.match(await scrape(registry), /^joined_cluster_total 0$/m);
    recordClusterState(m.kubefedClusterTotal, 'host', ClusterState.Ready);
    recordClusterState(m.kubefedClusterTotal, 'member1', ClusterState.Ready);
    recordClusterState(m.kubefedClusterTotal, 'member2', ClusterState.NotReady);
    assert.match(await scrape(registry), /^joined_cluster_total 3$/m);

    recordClusterState(m.kubefedClusterTotal, 'member2', ClusterState.Offline);
    assert.match(
      await scrape(registry),
      /^joined_cluster_total 3$/m,
      'a new state is no new cluster',
    );
    forgetClusterState(m.kubefedClusterTotal, 'member1');
    assert.match(await scrape(registry), /^joined_cluster_total 2$/m);
    forgetClusterState(m.kubefedClusterTotal, 'never-recorded');
    assert.match(await scrape(registry), /^joined_cluster_total 2$/m);
  });

  it("drops every series of a forgotten cluster and keeps the others'", async () => {
    const { registry, m } = kubefed();
    recordClusterState(m.kubefedClusterTotal, 'member1', ClusterState.Ready);
    recordClusterState(m.kubefedClusterTotal, 'member2', ClusterState.Ready);
    recordClusterState(m.kubefedClusterTotal, 'member2', ClusterState.Offline);
    recordClusterState(m.kubefedClusterTotal, 'member2', ClusterState.NotReady);
    forgetClusterState(m.kubefedClusterTotal, 'member2');
    const text = await scrape(registry);
    assert.deepEqual(lines(text, /cluster="member2"/), []);
    assert.deepEqual(lines(text, /^kubefedcluster_total\{/), [
      'kubefedcluster_total{cluster="member1",state="ready"} 1',
      'kubefedcluster_total{cluster="member1",state="notready"} 0',
      'kubefedcluster_total{cluster="member1",state="offline"} 0',
    ]);

    recordClusterState(m.kubefedClusterTotal, 'member2', ClusterState.Ready);
    assert.match(
      await scrape(registry),
      /^kubefedcluster_total\{cluster="member2",state="ready"\} 1$/m,
      'a cluster joined again is recorded again',
    );
  });

  it('adds prom-client process metrics that read this process', async () => {
    const { registry } = kubefed();
    const text = await scrape(registry);
    assert.ok(Number(/^process_resident_memory_bytes (\S+)$/m.exec(text)?.[1]) > 1e6);
    assert.ok(Number(/^nodejs_heap_size_used_bytes (\S+)$/m.exec(text)?.[1]) > 1e5);
    const start = Number(/^process_start_time_seconds (\S+)$/m.exec(text)?.[1]);
    assert.ok(Math.abs(start - performance.timeOrigin / 1000) < 5, String(start));
  });
});
