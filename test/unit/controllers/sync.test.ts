import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MemberOperation } from '../../../src/federation/propagation/member-operations.ts';
import { parseDeleteOptions } from '../../../src/controllers/sync/deletion.ts';
import { withClientFailures } from '../../../src/controllers/sync/member-states.ts';
import { targetNameOf } from '../../../src/controllers/sync/reconcile.ts';

describe('targetNameOf', () => {
  it('maps a namespaced key to the same member key', () => {
    assert.deepEqual(targetNameOf({ targetIsNamespace: false }, 'demo/cfg'), {
      name: 'cfg',
      namespace: 'demo',
      key: 'demo/cfg',
    });
  });
  it('maps a FederatedNamespace key foo/foo to the Namespace foo', () => {
    assert.deepEqual(targetNameOf({ targetIsNamespace: true }, 'foo/foo'), {
      name: 'foo',
      namespace: undefined,
      key: 'foo',
    });
  });
  it('keeps cluster-scoped keys', () => {
    assert.deepEqual(targetNameOf({ targetIsNamespace: false }, 'admin'), {
      name: 'admin',
      namespace: undefined,
      key: 'admin',
    });
  });
});

describe('parseDeleteOptions', () => {
  const fed = (annotation?: string): { metadata: { annotations?: Record<string, string> } } => ({
    metadata:
      annotation === undefined ? {} : { annotations: { 'kubefed.io/deleteoption': annotation } },
  });
  it('is undefined without the annotation', () => {
    assert.equal(parseDeleteOptions(fed()), undefined);
  });
  it('keeps only gracePeriodSeconds, propagationPolicy and preconditions', () => {
    assert.deepEqual(
      parseDeleteOptions(
        fed(
          '{"gracePeriodSeconds":5,"propagationPolicy":"Orphan","preconditions":{"uid":"u"},"dryRun":["All"]}',
        ),
      ),
      { gracePeriodSeconds: 5, propagationPolicy: 'Orphan', preconditions: { uid: 'u' } },
    );
  });
  it('reports an unparsable annotation as an error message', () => {
    assert.match(JSON.stringify(parseDeleteOptions(fed('{nope'))), /not valid JSON/);
    assert.match(JSON.stringify(parseDeleteOptions(fed('[1]'))), /JSON object/);
  });
});

describe('withClientFailures', () => {
  it('turns the slot of a cluster without a client into ClientRetrievalFailed', () => {
    const ops: MemberOperation[] = [
      { cluster: 'a', kind: 'none', status: 'CachedRetrievalFailed', events: [] },
      { cluster: 'b', kind: 'none', status: '', events: [] },
    ];
    const [first, second] = withClientFailures(ops, new Map([['a', 'secret has no token']]));
    assert.ok(first?.kind === 'none');
    assert.equal(first.status, 'ClientRetrievalFailed');
    assert.match(first.events[0]?.message ?? '', /secret has no token/);
    assert.equal(second, ops[1]);
  });
});
