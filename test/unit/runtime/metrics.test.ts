import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ClusterState,
  MetricsRegistry,
  WORKQUEUE_DURATION_BUCKETS,
  forgetClusterState,
  formatFloat,
  recordClusterState,
  registerKubeFedMetrics,
} from '../../../src/runtime/metrics.ts';
import type { ProcessStats } from '../../../src/runtime/metrics.ts';

const fixedProcessStats: ProcessStats = {
  residentMemoryBytes: () => 52_428_800,
  cpuSeconds: () => 1.25,
  startTimeSeconds: () => 1_700_000_000.5,
  heapUsedBytes: () => 1_048_576,
};

// One sample line of the 0.0.4 text format: name, optional labels, value.
const SAMPLE_LINE =
  /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"(,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*")*\})? (?:[+-]?Inf|NaN|-?\d+(?:\.\d+)?(?:e[+-]\d+)?)$/;

describe('MetricsRegistry.render', () => {
  it('renders counters, gauges and histograms in the text format 0.0.4', () => {
    const registry = new MetricsRegistry();
    const requests = registry.counter({
      name: 'requests_total',
      help: 'Requests.\nSecond line with \\ backslash',
      labelNames: ['path', 'code'],
    });
    requests.labels({ path: '/a"b\\c\nd', code: '200' }).inc(2);
    requests.labels({ path: '/', code: '200' }).inc();
    registry.gauge({ name: 'temperature', help: 'T.' }).set(-1.5);
    const latency = registry.histogram({
      name: 'latency_seconds',
      help: 'L.',
      buckets: [0.1, 1, 10],
    });
    latency.observe(0.1);
    latency.observe(0.5);
    latency.observe(100);
    registry.counter({ name: 'unused_total', help: 'Labelled, never used.', labelNames: ['x'] });
    registry.counter({ name: 'zero_total', help: 'Unlabelled, never used.' });

    assert.equal(
      registry.render(),
      [
        '# HELP latency_seconds L.',
        '# TYPE latency_seconds histogram',
        'latency_seconds_bucket{le="0.1"} 1',
        'latency_seconds_bucket{le="1"} 2',
        'latency_seconds_bucket{le="10"} 2',
        'latency_seconds_bucket{le="+Inf"} 3',
        'latency_seconds_sum 100.6',
        'latency_seconds_count 3',
        '# HELP requests_total Requests.\\nSecond line with \\\\ backslash',
        '# TYPE requests_total counter',
        'requests_total{code="200",path="/"} 1',
        'requests_total{code="200",path="/a\\"b\\\\c\\nd"} 2',
        '# HELP temperature T.',
        '# TYPE temperature gauge',
        'temperature -1.5',
        '# HELP zero_total Unlabelled, never used.',
        '# TYPE zero_total counter',
        'zero_total 0',
        '',
      ].join('\n'),
    );
  });

  it('counts each observation in the first bucket whose bound is >= the value', () => {
    const registry = new MetricsRegistry();
    const h = registry.histogram({
      name: 'h',
      help: 'h',
      labelNames: ['op'],
      buckets: [1, 2, 5],
    });
    for (const v of [0, 1, 1.0001, 2, 4.9, 5, 5.1, 1e9]) h.labels({ op: 'x' }).observe(v);
    const child = h.labels({ op: 'x' });
    assert.deepEqual(child.buckets(), [
      { le: 1, count: 2 },
      { le: 2, count: 4 },
      { le: 5, count: 6 },
      { le: Infinity, count: 8 },
    ]);
    assert.equal(child.count, 8);
    assert.match(registry.render(), /^h_bucket\{op="x",le="\+Inf"\} 8$/m);
  });

  it('formats floats as the Go client does', () => {
    const cases: [number, string][] = [
      [0, '0'],
      [1, '1'],
      [-2.5, '-2.5'],
      [0.005, '0.005'],
      [0.0001, '0.0001'],
      [0.00001, '1e-05'],
      [123456, '123456'],
      [1e6, '1e+06'],
      [1234567, '1.234567e+06'],
      [1.7e9, '1.7e+09'],
      [1e21, '1e+21'],
      [1e-8, '1e-08'],
      [9.999999999999999e-6, '9.999999999999999e-06'],
      [Infinity, '+Inf'],
      [-Infinity, '-Inf'],
      [NaN, 'NaN'],
    ];
    for (const [value, text] of cases) assert.equal(formatFloat(value), text, String(value));
    assert.deepEqual(WORKQUEUE_DURATION_BUCKETS.map(formatFloat), [
      '1e-08',
      '1e-07',
      '1e-06',
      '9.999999999999999e-06',
      '9.999999999999999e-05',
      '0.001',
      '0.01',
      '0.1',
      '1',
      '10',
    ]);
  });

  it('sorts series by label values and can remove or reset them', () => {
    const registry = new MetricsRegistry();
    const g = registry.gauge({ name: 'g', help: 'g', labelNames: ['k'] });
    for (const k of ['b', 'a!', 'a', 'c']) g.labels({ k }).set(1);
    g.remove({ k: 'c' });
    assert.deepEqual(
      registry
        .render()
        .split('\n')
        .filter((l) => l.startsWith('g{')),
      ['g{k="a"} 1', 'g{k="a!"} 1', 'g{k="b"} 1'],
    );
    g.reset();
    assert.equal(registry.render(), '');
  });

  it('refuses invalid names, wrong labels, duplicates and decreasing counters', () => {
    const registry = new MetricsRegistry();
    assert.throws(() => registry.counter({ name: 'bad-name', help: '' }), /invalid metric name/);
    assert.throws(
      () => registry.gauge({ name: 'g1', help: '', labelNames: ['__x'] }),
      /invalid label name/,
    );
    assert.throws(
      () => registry.histogram({ name: 'h1', help: '', labelNames: ['le'], buckets: [1] }),
      /invalid label name/,
    );
    assert.throws(
      () => registry.histogram({ name: 'h2', help: '', buckets: [2, 1] }),
      /strictly increasing/,
    );
    const c = registry.counter({ name: 'c_total', help: '', labelNames: ['a'] });
    assert.throws(() => registry.counter({ name: 'c_total', help: '' }), /already registered/);
    assert.throws(() => c.labels({} as { a: string }), /expected labels \[a\]/);
    assert.throws(() => c.labels({ a: 'x', b: 'y' } as { a: string }), /expected labels/);
    assert.throws(() => {
      c.inc();
    }, /needs labels a/);
    assert.throws(() => {
      c.labels({ a: 'x' }).inc(-1);
    }, /only goes up/);
  });

  it('reads function-backed values at render time', () => {
    const registry = new MetricsRegistry();
    let value = 1;
    registry.gaugeFunc({ name: 'live', help: 'Live value.' }, () => value);
    value = 42;
    assert.match(registry.render(), /^live 42$/m);
  });
});

describe('registerKubeFedMetrics', () => {
  it('registers the metrics of spec §12 with KubeFed names, buckets and labels', () => {
    const registry = new MetricsRegistry();
    const m = registerKubeFedMetrics(registry, fixedProcessStats);
    recordClusterState(m.kubefedClusterTotal, 'member1', ClusterState.Ready);
    recordClusterState(m.kubefedClusterTotal, 'member2', ClusterState.Offline);
    m.dispatchOperationDuration.labels({ action: 'create' }).observe(0.02);
    m.clusterHealthStatusDuration.observe(0.2);
    m.reconcileTotal.labels({ controller: 'federatedtypeconfig', result: 'success' }).inc();
    m.workQueueQueueDurationSeconds.labels({ name: 'federatedtypeconfig' }).observe(0);
    const text = registry.render();

    const families = [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((x) => `${x[1]} ${x[2]}`);
    assert.deepEqual(families, [
      'cluster_client_connection_duration_seconds histogram',
      'cluster_health_status_duration_seconds histogram',
      'controller_runtime_reconcile_total counter',
      'dispatch_operation_duration_seconds histogram',
      'join_cluster_duration_seconds histogram',
      'joined_cluster_total gauge',
      'kubefedcluster_total gauge',
      'nodejs_heap_used_bytes gauge',
      'process_cpu_seconds_total counter',
      'process_resident_memory_bytes gauge',
      'process_start_time_seconds gauge',
      'reconcile_federated_resources_duration_seconds histogram',
      'unjoin_cluster_duration_seconds histogram',
      'workqueue_queue_duration_seconds histogram',
    ]);
    for (const line of text.split('\n').filter((l) => l !== '' && !l.startsWith('#'))) {
      assert.match(line, SAMPLE_LINE);
    }
    assert.match(text, /^kubefedcluster_total\{cluster="member1",state="ready"\} 1$/m);
    assert.match(text, /^kubefedcluster_total\{cluster="member1",state="offline"\} 0$/m);
    assert.match(text, /^kubefedcluster_total\{cluster="member2",state="offline"\} 1$/m);
    assert.match(
      text,
      /^dispatch_operation_duration_seconds_bucket\{action="create",le="0.05"\} 1$/m,
    );
    assert.match(text, /^cluster_health_status_duration_seconds_bucket\{le="1000"\} 1$/m);
    assert.match(text, /^process_start_time_seconds 1\.7000000005e\+09$/m);
    assert.match(text, /^process_resident_memory_bytes 5\.24288e\+07$/m);
    assert.match(text, /^process_cpu_seconds_total 1\.25$/m);
    assert.match(text, /^nodejs_heap_used_bytes 1\.048576e\+06$/m);

    forgetClusterState(m.kubefedClusterTotal, 'member2');
    assert.doesNotMatch(registry.render(), /member2/);
  });

  it('uses controller-runtime buckets, 5 ms to 60 s, for reconcile time', () => {
    const registry = new MetricsRegistry();
    const m = registerKubeFedMetrics(registry, fixedProcessStats);
    assert.equal(m.reconcileTimeSeconds.buckets[0], 0.005);
    assert.equal(m.reconcileTimeSeconds.buckets.at(-1), 60);
    assert.equal(m.reconcileTimeSeconds.buckets.length, 40);
    assert.equal(m.clusterHealthStatusDuration.buckets.length, 21);
  });

  it('reads real process statistics by default', () => {
    const registry = new MetricsRegistry();
    registerKubeFedMetrics(registry);
    const rss = /^process_resident_memory_bytes (\S+)$/m.exec(registry.render())?.[1];
    assert.ok(Number(rss) > 1e6);
  });
});
