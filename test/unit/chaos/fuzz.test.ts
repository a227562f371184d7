import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CATEGORIES,
  malformedObjects,
  observed,
  random,
  reportedOnObject,
} from '../../../chaos/fuzz.ts';
import type { KubeObject } from '../../../src/json/object.ts';

const members = ['member1', 'member2'];

function withStatus(status: unknown, generation = 1): KubeObject {
  return {
    apiVersion: 'types.kubefed.io/v1beta1',
    kind: 'FederatedConfigMap',
    metadata: { name: 'x', namespace: 'ns', generation },
    status,
  };
}

describe('chaos fuzzing', () => {
  it('repeats itself for a seed and differs between seeds', () => {
    const a = random(7);
    const b = random(7);
    const first = Array.from({ length: 5 }, () => a());
    assert.deepEqual(
      first,
      Array.from({ length: 5 }, () => b()),
    );
    assert.notDeepEqual(first, Array.from({ length: 5 }, random(8)));
    assert.ok(first.every((v) => v >= 0 && v < 1));
    assert.deepEqual(
      malformedObjects(30, 3, 'ns', members),
      malformedObjects(30, 3, 'ns', members),
    );
  });

  it('cycles through every category, and each one spoils the object', () => {
    const objects = malformedObjects(CATEGORIES.length * 2, 1, 'ns', members);
    assert.deepEqual(
      new Set(objects.map((o) => o.category)),
      new Set(CATEGORIES.map((c) => c.name)),
    );
    const valid = JSON.stringify({
      template: { data: { a: 'b' } },
      placement: { clusters: members.map((name) => ({ name })) },
    });
    for (const { object, category } of objects) {
      assert.notEqual(JSON.stringify(object['spec']), valid, category);
      assert.equal(object.kind, 'FederatedConfigMap');
      assert.equal(object.metadata?.namespace, 'ns');
    }
    assert.equal(objects[3]?.object.metadata?.name, 'bad-0003');
  });

  it('makes the defects issue 16 found', () => {
    const spec = (category: string): Record<string, unknown> =>
      malformedObjects(CATEGORIES.length, 5, 'ns', members).find((o) => o.category === category)
        ?.object['spec'] as Record<string, unknown>;
    const labels = JSON.stringify(spec('labels-not-a-map'));
    assert.match(labels, /"path":"\/metadata\/labels"/);
    assert.doesNotMatch(labels, /"value":\{/);
    assert.match(JSON.stringify(spec('path-without-slash')), /"path":"[^/]/);
    assert.match(JSON.stringify(spec('placement-unknown-cluster')), /no-such-cluster-/);
    assert.match(
      JSON.stringify(spec('override-unknown-cluster')),
      /"clusterName":"no-such-cluster-/,
    );
  });

  it('knows when the controller has looked at the current generation', () => {
    assert.equal(observed(withStatus(undefined)), false);
    assert.equal(observed(withStatus({ observedGeneration: 1 })), true);
    assert.equal(observed(withStatus({ observedGeneration: 1 }, 2)), false);
  });

  it('counts as reported only what the user sees on the object', () => {
    const propagated = { type: 'Propagation', status: 'True' };
    // Silence: propagated, every cluster OK, no Warning Event.
    assert.equal(
      reportedOnObject(
        withStatus({ conditions: [propagated], clusters: [{ name: 'member1' }] }),
        0,
      ),
      false,
    );
    assert.equal(reportedOnObject(withStatus(undefined), 0), false);
    assert.equal(reportedOnObject(withStatus(undefined), 1), true);
    assert.equal(
      reportedOnObject(
        withStatus({
          conditions: [{ type: 'Propagation', status: 'False', reason: 'CheckClusters' }],
        }),
        0,
      ),
      true,
    );
    assert.equal(
      reportedOnObject(
        withStatus({
          conditions: [propagated],
          clusters: [{ name: 'member1', status: 'ApplyOverridesFailed' }],
        }),
        0,
      ),
      true,
    );
    const withMessage = { ...propagated, message: 'cluster "no-such-cluster-1" does not exist' };
    assert.equal(reportedOnObject(withStatus({ conditions: [withMessage] }), 0), true);
    assert.equal(
      reportedOnObject(withStatus({ conditions: [{ ...propagated, message: '' }] }), 0),
      false,
    );
    assert.equal(
      reportedOnObject(
        withStatus({ conditions: [propagated, { type: 'OverridesValid', status: 'False' }] }),
        0,
      ),
      true,
    );
  });
});
