import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  parseListenAddress,
  serveHealthz,
  serveMetrics,
  startHttpServer,
} from '../../../src/runtime/http-server.ts';
import { MetricsRegistry, registerControllerMetrics } from '../../../src/runtime/metrics.ts';

describe('parseListenAddress', () => {
  it('accepts Go-style listen addresses', () => {
    assert.deepEqual(parseListenAddress(':8080'), { host: undefined, port: 8080 });
    assert.deepEqual(parseListenAddress('127.0.0.1:0'), { host: '127.0.0.1', port: 0 });
    assert.deepEqual(parseListenAddress('[::1]:9090'), { host: '::1', port: 9090 });
    assert.deepEqual(parseListenAddress('localhost:80'), { host: 'localhost', port: 80 });
  });

  it('rejects anything else with an example of what works', () => {
    for (const bad of ['', '8080', 'host:', 'host:99999', '::1:80', 'a:b']) {
      assert.throws(() => parseListenAddress(bad), /expected host:port, e\.g\. ":8080"/, bad);
    }
  });
});

describe('http server', () => {
  it('answers /healthz with 200 OK, or 500 and the reason when the check fails', async () => {
    let failure: string | undefined;
    const server = await serveHealthz('127.0.0.1:0', () => {
      if (failure !== undefined) throw new Error(failure);
    });
    try {
      assert.equal(server.host, '127.0.0.1');
      assert.ok(server.port > 0);
      const ok = await fetch(`${server.url}/healthz`);
      assert.equal(ok.status, 200);
      assert.equal(await ok.text(), 'OK');

      failure = 'informers not synced';
      const bad = await fetch(`${server.url}/healthz`);
      assert.equal(bad.status, 500);
      assert.match(await bad.text(), /informers not synced/);

      const missing = await fetch(`${server.url}/metrics`);
      assert.equal(missing.status, 404);
      await missing.text();
    } finally {
      await server.close();
    }
  });

  it('serves /metrics in the Prometheus text format', async () => {
    const registry = new MetricsRegistry();
    registerControllerMetrics(registry)
      .reconcileTotal.labels({ controller: 'federatedtypeconfig', result: 'success' })
      .inc(3);
    const server = await serveMetrics('127.0.0.1:0', registry);
    try {
      const res = await fetch(`${server.url}/metrics`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
      assert.match(
        await res.text(),
        /^# HELP controller_runtime_reconcile_total Total number of reconciliations per controller\n# TYPE controller_runtime_reconcile_total counter\ncontroller_runtime_reconcile_total\{controller="federatedtypeconfig",result="success"\} 3$/m,
      );
      const head = await fetch(`${server.url}/metrics`, { method: 'HEAD' });
      assert.equal(head.status, 200);
      assert.equal(await head.text(), '');
      const post = await fetch(`${server.url}/metrics`, { method: 'POST' });
      assert.equal(post.status, 405);
      await post.text();
    } finally {
      await server.close();
    }
  });

  it('serves both endpoints on one address, and stops answering after close', async () => {
    const server = await startHttpServer('127.0.0.1:0', {
      healthz: true,
      metrics: new MetricsRegistry(),
    });
    const health = await fetch(`${server.url}/healthz`);
    assert.equal(health.status, 200);
    await health.text();
    const metrics = await fetch(`${server.url}/metrics?x=1`);
    assert.equal(metrics.status, 200);
    assert.equal(await metrics.text(), '\n', 'an empty registry');
    await server.close();
    await assert.rejects(fetch(`${server.url}/healthz`));
  });

  it('reports a port already in use', async () => {
    const first = await serveHealthz('127.0.0.1:0');
    try {
      await assert.rejects(
        serveHealthz(`127.0.0.1:${first.port}`),
        /cannot listen on "127\.0\.0\.1:\d+": .*EADDRINUSE/,
      );
    } finally {
      await first.close();
    }
  });
});
