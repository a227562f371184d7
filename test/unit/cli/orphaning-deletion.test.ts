import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  orphaningStatus,
  parseOrphaningAction,
  withOrphaning,
} from '../../../src/cli/orphaning-deletion/orphaning.ts';

const fed = (annotations?: Record<string, string>) => ({
  apiVersion: 'types.kubefed.io/v1beta1',
  kind: 'FederatedConfigMap',
  metadata: { name: 'web', namespace: 'shop', ...(annotations ? { annotations } : {}) },
});

describe('orphaning deletion', () => {
  it('reports Enabled only for the exact value "true"', () => {
    assert.equal(orphaningStatus(fed({ 'kubefed.io/orphan': 'true' })), 'Enabled');
    assert.equal(orphaningStatus(fed({ 'kubefed.io/orphan': 'false' })), 'Disabled');
    assert.equal(orphaningStatus(fed()), 'Disabled');
  });

  it('enable adds the annotation, keeping the others; nothing to write when enabled', () => {
    const enabled = withOrphaning(fed({ other: 'x' }), true);
    assert.equal(enabled?.metadata?.name, 'web');
    assert.deepEqual(enabled.metadata.annotations, { other: 'x', 'kubefed.io/orphan': 'true' });
    assert.equal(withOrphaning(fed({ 'kubefed.io/orphan': 'true' }), true), undefined);
    assert.equal(
      orphaningStatus(withOrphaning(fed({ 'kubefed.io/orphan': 'no' }), true) ?? {}),
      'Enabled',
    );
  });

  it('disable removes the annotation whatever its value; nothing to write without it', () => {
    assert.deepEqual(
      withOrphaning(fed({ 'kubefed.io/orphan': 'true', other: 'x' }), false)?.metadata?.annotations,
      { other: 'x' },
    );
    assert.deepEqual(
      withOrphaning(fed({ 'kubefed.io/orphan': 'false' }), false)?.metadata?.annotations,
      {},
    );
    assert.equal(withOrphaning(fed(), false), undefined);
  });

  it('parses the action', () => {
    assert.equal(parseOrphaningAction('status'), 'status');
    assert.equal(parseOrphaningAction('Enable'), undefined);
  });
});
