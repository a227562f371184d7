import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  clusterHealthState,
  clusterStatus,
  conditionsForProbe,
  isClusterReady,
  nextHealthRecord,
  type HealthRecord,
  type ProbeOutcome,
} from '../../../src/federation/cluster-health.ts';

const ok: ProbeOutcome = { kind: 'ok' };
const down: ProbeOutcome = { kind: 'unreachable', error: 'connect ECONNREFUSED 127.0.0.1:1' };
const thresholds = { failureThreshold: 3, successThreshold: 2 };
const t = (n: number): string => `2026-01-01T00:00:${String(n).padStart(2, '0')}Z`;

/** Feeds probes one per second and returns the readiness published after each. */
function run(
  outcomes: ProbeOutcome[],
  start?: HealthRecord,
): { ready: boolean[]; last: HealthRecord } {
  let record = start;
  const ready: boolean[] = [];
  outcomes.forEach((o, i) => {
    record = nextHealthRecord(record, conditionsForProbe(o, t(i)), thresholds, t(i));
    ready.push(isClusterReady(record.conditions));
  });
  assert.ok(record);
  return { ready, last: record };
}

describe('conditionsForProbe (spec §2.1)', () => {
  it('ok: Ready=True ClusterReady', () => {
    assert.deepEqual(conditionsForProbe(ok, t(0)), [
      {
        type: 'Ready',
        status: 'True',
        lastProbeTime: t(0),
        lastTransitionTime: t(0),
        reason: 'ClusterReady',
        message: '/healthz responded with ok',
      },
    ]);
  });
  it('reachable but not ok: Ready=False and Offline=False', () => {
    const c = conditionsForProbe({ kind: 'notOk' }, t(0));
    assert.deepEqual(
      c.map((x) => [x.type, x.status, x.reason, x.message]),
      [
        ['Ready', 'False', 'ClusterNotReady', '/healthz responded without ok'],
        ['Offline', 'False', 'ClusterReachable', 'cluster is reachable'],
      ],
    );
  });
  it('unreachable: only Offline=True with the error', () => {
    const c = conditionsForProbe(down, t(0));
    assert.deepEqual(
      c.map((x) => [x.type, x.status, x.reason, x.message]),
      [
        [
          'Offline',
          'True',
          'ClusterNotReachable',
          'cluster is not reachable: connect ECONNREFUSED 127.0.0.1:1',
        ],
      ],
    );
  });
  it('malformed: only ConfigMalformed=True', () => {
    const c = conditionsForProbe({ kind: 'malformed' }, t(0));
    assert.deepEqual(
      c.map((x) => [x.type, x.status, x.reason, x.message]),
      [
        [
          'ConfigMalformed',
          'True',
          'ClusterConfigMalformed',
          "cluster's configuration may be malformed",
        ],
      ],
    );
  });
});

describe('nextHealthRecord thresholds: consecutive probes, as users expect', () => {
  it('publishes the first probe as it is', () => {
    assert.deepEqual(run([down]).ready, [false]);
    assert.deepEqual(run([ok]).ready, [true]);
  });

  it('turns not ready only after failureThreshold consecutive failures, even after a long healthy spell', () => {
    const { ready } = run([ok, ok, ok, ok, ok, down, down, down]);
    assert.deepEqual(ready, [true, true, true, true, true, true, true, false]);
  });

  it('a good probe between failures restarts the count', () => {
    const { ready } = run([ok, down, down, ok, down, down, down]);
    assert.deepEqual(ready, [true, true, true, true, true, true, false]);
  });

  it('turns ready again only after successThreshold consecutive good probes', () => {
    const { ready } = run([down, ok, down, ok, ok]);
    assert.deepEqual(ready, [false, false, false, false, true]);
  });

  it('keeps the previous conditions, with the new probe time, while below the threshold', () => {
    const { last } = run([ok, down]);
    assert.deepEqual(
      last.conditions.map((c) => [c.type, c.status, c.lastProbeTime, c.lastTransitionTime]),
      [['Ready', 'True', t(1), t(0)]],
    );
    assert.equal(last.disagreeingProbes, 1);
  });

  it('keeps lastTransitionTime while the readiness does not change', () => {
    const { last } = run([ok, ok, ok]);
    const [ready] = last.conditions;
    assert.ok(ready);
    assert.equal(ready.lastProbeTime, t(2));
    assert.equal(ready.lastTransitionTime, t(0));
  });

  it('stamps a flip with the time of the probe that made it', () => {
    const { last } = run([ok, down, down, down]);
    assert.deepEqual(
      last.conditions.map((c) => [c.type, c.status, c.lastTransitionTime]),
      [['Offline', 'True', t(3)]],
    );
  });

  it('with thresholds of 1 follows every probe', () => {
    let record: HealthRecord | undefined;
    const seen: boolean[] = [];
    for (const [i, o] of [ok, down, ok, down].entries()) {
      record = nextHealthRecord(
        record,
        conditionsForProbe(o, t(i)),
        { failureThreshold: 1, successThreshold: 1 },
        t(i),
      );
      seen.push(isClusterReady(record.conditions));
    }
    assert.deepEqual(seen, [true, false, true, false]);
  });
});

describe('clusterStatus and clusterHealthState', () => {
  it('reports the Kubernetes version only while ready', () => {
    const ready = run([ok]).last;
    const offline = run([down]).last;
    assert.equal(clusterStatus(ready, 'v1.37.2').kubernetesVersion, 'v1.37.2');
    assert.equal('kubernetesVersion' in clusterStatus(offline, 'v1.37.2'), false);
  });
  it('maps conditions to the kubefedcluster_total state label', () => {
    assert.equal(clusterHealthState(conditionsForProbe(ok, t(0))), 'ready');
    assert.equal(clusterHealthState(conditionsForProbe(down, t(0))), 'offline');
    assert.equal(clusterHealthState(conditionsForProbe({ kind: 'notOk' }, t(0))), 'notready');
    assert.equal(clusterHealthState(conditionsForProbe({ kind: 'malformed' }, t(0))), 'notready');
  });
});
