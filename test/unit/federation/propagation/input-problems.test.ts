import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  propagationMessage,
  renderErrors,
  unknownClustersEvent,
  unknownClustersWarning,
  unknownOverrideClusters,
  type InputProblems,
} from '../../../../src/federation/propagation/input-problems.ts';
import { parseOverrides } from '../../../../src/federation/propagation/overrides.ts';
import type { RenderResult } from '../../../../src/federation/propagation/render.ts';

const none: InputProblems = {
  unknownPlacementClusters: [],
  unknownOverrideClusters: [],
  clusterErrors: new Map(),
};
const placementWarning =
  'spec.placement.clusters names clusters that are not joined ("c3", "c9"): the object is not propagated there; join them (kubefedctl join) or correct the names';
const overridesWarning =
  'spec.overrides names clusters that are not joined (""): those overrides apply nowhere; correct the clusterName';

describe('unknownOverrideClusters', () => {
  it('names override clusters without a KubeFedCluster, valid or not, sorted', () => {
    const parsed = parseOverrides({
      spec: {
        overrides: [
          { clusterName: 'zz', clusterOverrides: [{ path: 'bad', value: 1 }] },
          { clusterName: 'c1', clusterOverrides: [{ path: '/a', value: 1 }] },
          { clusterOverrides: [{ path: '/a', value: 1 }] },
        ],
      },
    });
    assert.deepEqual(unknownOverrideClusters(parsed, ['c1', 'c2']), ['', 'zz']);
    assert.deepEqual(unknownOverrideClusters({ ok: false, error: 'x' }, []), []);
  });
});

describe('renderErrors', () => {
  it('keeps the failures the spec causes, not the others', () => {
    const failed = (status: string): RenderResult =>
      ({ ok: false, status, error: `why ${status}`, warnings: [] }) as RenderResult;
    const desired = new Map<string, RenderResult>([
      ['a', failed('ApplyOverridesFailed')],
      ['b', failed('ComputeResourceFailed')],
      ['c', failed('FieldRetentionFailed')],
      ['d', { ok: true, object: {}, warnings: [] }],
    ]);
    assert.deepEqual(Object.fromEntries(renderErrors(desired)), {
      a: 'ApplyOverridesFailed: why ApplyOverridesFailed',
      b: 'ComputeResourceFailed: why ComputeResourceFailed',
      c: 'FieldRetentionFailed: why FieldRetentionFailed',
    });
  });
});

describe('propagationMessage', () => {
  it('is empty when nothing is wrong', () => {
    assert.equal(propagationMessage(none), '');
    assert.equal(unknownClustersWarning(none), '');
  });
  it('lists cluster errors by name, then the unknown clusters', () => {
    const problems: InputProblems = {
      unknownPlacementClusters: ['c3', 'c9'],
      unknownOverrideClusters: [''],
      clusterErrors: new Map([
        ['m2', 'ApplyOverridesFailed: b'],
        ['m1', 'UpdateLoopDetected: a'],
      ]),
    };
    assert.equal(
      propagationMessage(problems),
      `cluster "m1": UpdateLoopDetected: a; cluster "m2": ApplyOverridesFailed: b; ${placementWarning}; ${overridesWarning}`,
    );
  });
  it('is cut short when very long', () => {
    const clusterErrors = new Map(
      Array.from({ length: 100 }, (_, i) => [`c${String(i)}`, 'x'.repeat(100)] as [string, string]),
    );
    const message = propagationMessage({ ...none, clusterErrors });
    assert.equal(message.length, 2048);
    assert.ok(message.endsWith('…'));
  });
});

describe('unknownClustersEvent', () => {
  const problems: InputProblems = { ...none, unknownPlacementClusters: ['c3', 'c9'] };
  it('warns when the stored message does not carry the warning yet', () => {
    assert.deepEqual(unknownClustersEvent(problems, ''), {
      type: 'Warning',
      reason: 'UnknownClusters',
      message: placementWarning,
    });
    assert.ok(
      unknownClustersEvent(
        problems,
        'spec.placement.clusters names clusters that are not joined ("c3")',
      ) !== undefined,
    );
  });
  it('once: not when the stored message has it, nor without unknown clusters', () => {
    assert.equal(unknownClustersEvent(problems, `cluster "x": y; ${placementWarning}`), undefined);
    assert.equal(unknownClustersEvent(none, ''), undefined);
  });
});
