import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { kwokStages, renderKwokConfig } from '../../../src/sandbox/kwok-stages.ts';

interface Stage {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: {
    resourceRef: { apiGroup: string; kind: string };
    selector: { matchExpressions: { key: string; operator: string; values?: string[] }[] };
    next: { statusTemplate?: string; delete?: boolean };
  };
}

describe('kwok stages', () => {
  const stages = parseAllDocuments(renderKwokConfig()).map((d) => d.toJS() as Stage);
  const named = (name: string): Stage => {
    const stage = stages.find((s) => s.metadata.name === name);
    assert.ok(stage, `no stage ${name}`);
    return stage;
  };

  it('renders every stage as one document of a YAML stream kwok --config reads', () => {
    assert.deepEqual(stages, kwokStages());
    assert.deepEqual(
      stages.map((s) => [s.apiVersion, s.kind, s.metadata.name]),
      ['node-ready', 'pod-running', 'pod-ready', 'job-pod-done', 'pod-gone'].map((name) => [
        'kwok.x-k8s.io/v1alpha1',
        'Stage',
        name,
      ]),
    );
  });

  it('makes a running pod Ready again once something marked it not Ready', () => {
    const stage = named('pod-ready');
    assert.deepEqual(
      stage.spec.selector.matchExpressions.map((e) => [e.key, e.operator, e.values]),
      [
        ['.metadata.deletionTimestamp', 'DoesNotExist', undefined],
        ['.status.phase', 'In', ['Running']],
        ['.status.conditions.[] | select(.type == "Ready") | .status', 'NotIn', ['True']],
      ],
    );
    assert.match(stage.spec.next.statusTemplate ?? '', /- type: Ready\n {2}status: "True"/);
  });

  it('makes new nodes Ready', () => {
    const stage = named('node-ready');
    assert.equal(stage.spec.resourceRef.kind, 'Node');
    assert.match(stage.spec.next.statusTemplate ?? '', /range NodeConditions/);
  });

  it('starts pods that are not being deleted and have no IP yet, and makes them Ready', () => {
    const stage = named('pod-running');
    assert.deepEqual(
      stage.spec.selector.matchExpressions.map((e) => [e.key, e.operator]),
      [
        ['.metadata.deletionTimestamp', 'DoesNotExist'],
        ['.status.podIP', 'DoesNotExist'],
      ],
    );
    assert.match(stage.spec.next.statusTemplate ?? '', /^phase: Running$/m);
    assert.match(stage.spec.next.statusTemplate ?? '', /"Ready"/);
  });

  it('completes running pods owned by a Job', () => {
    const stage = named('job-pod-done');
    assert.ok(
      stage.spec.selector.matchExpressions.some(
        (e) => e.key === '.metadata.ownerReferences.[].kind' && e.values?.includes('Job'),
      ),
    );
    assert.match(stage.spec.next.statusTemplate ?? '', /^phase: Succeeded$/m);
    assert.match(stage.spec.next.statusTemplate ?? '', /exitCode: 0/);
  });

  it('removes deleted pods', () => {
    assert.deepEqual(named('pod-gone').spec.next, { delete: true });
  });
});
