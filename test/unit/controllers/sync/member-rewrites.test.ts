import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemberRewrites } from '../../../../src/controllers/sync/member-rewrites.ts';
import type { MemberOperation } from '../../../../src/federation/propagation/member-operations.ts';
import type { KubeObject } from '../../../../src/json/object.ts';

const desired: KubeObject = {
  kind: 'ConfigMap',
  metadata: { name: 'cfg', namespace: 'demo' },
  data: { foo: 'bar' },
};
const live = (rv: number): KubeObject => ({
  ...desired,
  metadata: { ...desired.metadata, resourceVersion: String(rv) },
  data: { foo: 'changed' },
});
const update = (rv: number): MemberOperation => ({
  cluster: 'c1',
  kind: 'update',
  object: desired,
  live: live(rv),
  pendingStatus: 'UpdateTimedOut',
  failureStatus: 'UpdateFailed',
});
const written = (rv: number): Map<string, KubeObject> =>
  new Map([['c1', { ...desired, metadata: { ...desired.metadata, resourceVersion: String(rv) } }]]);

describe('MemberRewrites', () => {
  it('lets maxRewrites updates through, then holds them with one Warning', () => {
    const rewrites = new MemberRewrites({ maxRewrites: 2, windowMs: 60_000 });
    for (const [i, rv] of [1, 3].entries()) {
      const pass = rewrites.guard('demo/cfg', 1, [update(rv)], i * 1000);
      assert.equal(pass.operations[0]?.kind, 'update');
      rewrites.record('demo/cfg', pass.planned, written(rv + 1), new Map([['c1', '']]));
    }
    const stopped = rewrites.guard('demo/cfg', 1, [update(5)], 2000);
    assert.deepEqual(
      stopped.operations.map((op) =>
        op.kind === 'none' ? [op.status, op.events.length] : op.kind,
      ),
      [['UpdateLoopDetected', 1]],
    );
    assert.match(
      stopped.stopped.get('c1') ?? '',
      /^UpdateLoopDetected: updated 2 times in a row .* changed data\.foo back/,
    );
    const again = rewrites.guard('demo/cfg', 1, [update(7)], 3000);
    assert.deepEqual(
      again.operations.map((op) => (op.kind === 'none' ? [op.status, op.events.length] : op.kind)),
      [['UpdateLoopDetected', 0]],
      'the Warning goes out once',
    );
    // A new generation of the federated object writes again.
    assert.equal(rewrites.guard('demo/cfg', 2, [update(7)], 4000).operations[0]?.kind, 'update');
  });
  it('counts failed attempts of a run, and starts over once the object converged', () => {
    const rewrites = new MemberRewrites({ maxRewrites: 2, windowMs: 60_000 });
    const first = rewrites.guard('demo/cfg', 1, [update(1)], 0);
    rewrites.record('demo/cfg', first.planned, written(2), new Map([['c1', '']]));
    const conflict = rewrites.guard('demo/cfg', 1, [update(3)], 1000);
    rewrites.record('demo/cfg', conflict.planned, new Map(), new Map([['c1', 'UpdateFailed']]));
    assert.equal(rewrites.guard('demo/cfg', 1, [update(4)], 2000).operations[0]?.kind, 'none');

    const converged: MemberOperation = { cluster: 'c1', kind: 'none', status: '', events: [] };
    rewrites.guard('demo/cfg', 1, [converged], 3000);
    assert.equal(rewrites.guard('demo/cfg', 1, [update(5)], 4000).operations[0]?.kind, 'update');
  });
  it('forgets a deleted federated object', () => {
    const rewrites = new MemberRewrites({ maxRewrites: 1, windowMs: 60_000 });
    const pass = rewrites.guard('demo/cfg', 1, [update(1)], 0);
    rewrites.record('demo/cfg', pass.planned, written(2), new Map([['c1', '']]));
    assert.equal(rewrites.guard('demo/cfg', 1, [update(3)], 1000).operations[0]?.kind, 'none');
    rewrites.forget('demo/cfg');
    assert.equal(rewrites.guard('demo/cfg', 1, [update(3)], 1000).operations[0]?.kind, 'update');
  });
});
