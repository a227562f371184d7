import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kubeTime } from '../../../../src/apis/time.ts';
import {
  analyzePods,
  UNSCHEDULABLE_THRESHOLD_MS,
} from '../../../../src/federation/scheduling/pod-analysis.ts';

const NOW = Date.parse('2026-01-01T12:00:00Z');
const secondsAgo = (s: number): string => kubeTime(NOW - s * 1000);

function running(ready: 'True' | 'False' | 'Unknown'): unknown {
  return {
    status: {
      phase: 'Running',
      conditions: [
        { type: 'PodScheduled', status: 'True' },
        { type: 'Ready', status: ready },
      ],
    },
  };
}

function unschedulableFor(seconds: number): unknown {
  return {
    status: {
      phase: 'Pending',
      conditions: [
        {
          type: 'PodScheduled',
          status: 'False',
          reason: 'Unschedulable',
          lastTransitionTime: secondsAgo(seconds),
        },
      ],
    },
  };
}

describe('analyzePods (spec §9.4)', () => {
  it("counts Running pods whose Ready condition is True (KubeFed ignored the condition's status)", () => {
    const pods = [running('True'), running('False'), running('Unknown'), running('True')];
    assert.deepEqual(analyzePods(pods, NOW), {
      total: 4,
      runningAndReady: 2,
      unschedulable: 0,
      unschedulableNow: 0,
    });
  });

  it('a Ready condition outside the Running phase does not count', () => {
    const pending = {
      status: { phase: 'Pending', conditions: [{ type: 'Ready', status: 'True' }] },
    };
    assert.equal(analyzePods([pending], NOW).runningAndReady, 0);
  });

  it('counts pods unschedulable for the threshold, and says when the next one crosses it', () => {
    const pods = [
      unschedulableFor(120),
      unschedulableFor(60),
      unschedulableFor(30),
      unschedulableFor(50),
    ];
    assert.deepEqual(analyzePods(pods, NOW), {
      total: 4,
      runningAndReady: 0,
      unschedulable: 2,
      unschedulableNow: 4,
      recheckAt: NOW + 10_000,
    });
  });

  it('a requeue at recheckAt sees the pod cross', () => {
    const pods = [unschedulableFor(30)];
    const first = analyzePods(pods, NOW);
    assert.equal(first.recheckAt, NOW + 30_000);
    assert.deepEqual(analyzePods(pods, first.recheckAt ?? NaN), {
      total: 1,
      runningAndReady: 0,
      unschedulable: 1,
      unschedulableNow: 1,
    });
  });

  it('takes the threshold as a parameter, 60 s by default', () => {
    assert.equal(UNSCHEDULABLE_THRESHOLD_MS, 60_000);
    const pods = [unschedulableFor(5)];
    assert.equal(analyzePods(pods, NOW).unschedulable, 0);
    assert.equal(analyzePods(pods, NOW, 5_000).unschedulable, 1);
    assert.equal(analyzePods(pods, NOW, 10_000).recheckAt, NOW + 5_000);
  });

  it('only PodScheduled=False with reason Unschedulable counts', () => {
    const pending = (condition: Record<string, unknown>): unknown => ({
      status: {
        phase: 'Pending',
        conditions: [{ type: 'PodScheduled', lastTransitionTime: secondsAgo(600), ...condition }],
      },
    });
    const pods = [
      pending({ status: 'True' }),
      pending({ status: 'False', reason: 'SchedulerError' }),
      pending({ status: 'Unknown', reason: 'Unschedulable' }),
      { status: { phase: 'Pending' } },
      {
        status: {
          phase: 'Running',
          conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }],
        },
      },
    ];
    assert.deepEqual(analyzePods(pods, NOW), {
      total: 5,
      runningAndReady: 0,
      unschedulable: 0,
      unschedulableNow: 0,
    });
  });

  it('a missing or unreadable transition time counts as long ago (Go zero time)', () => {
    const pod = (lastTransitionTime: unknown): unknown => ({
      status: {
        phase: 'Pending',
        conditions: [
          { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', lastTransitionTime },
        ],
      },
    });
    assert.equal(analyzePods([pod(undefined), pod('yesterday'), pod(42)], NOW).unschedulable, 3);
  });

  it('no pods, or pods without a status', () => {
    assert.deepEqual(analyzePods([], NOW), {
      total: 0,
      runningAndReady: 0,
      unschedulable: 0,
      unschedulableNow: 0,
    });
    assert.equal(analyzePods([{}, null, { status: 'odd' }], NOW).total, 3);
  });
});
