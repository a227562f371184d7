// The decisions of `kubefedctl disable` that need no cluster.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  parseTimeout,
  propagationStopped,
  remainingInstancesMessage,
  stopTimeoutMessage,
} from '../../../src/cli/disable/plan.ts';
import type { FederatedTypeConfig } from '../../../src/apis/types.ts';
import { generateTypeConfig } from '../../../src/federation/api-generation/type-config.ts';

function ftc(generation: number, status?: Record<string, unknown>): FederatedTypeConfig {
  const config = generateTypeConfig(
    {
      group: 'example.com',
      version: 'v1',
      kind: 'Widget',
      pluralName: 'widgets',
      singularName: 'widget',
      scope: 'Namespaced',
      shortNames: [],
    },
    'kube-federation-system',
  );
  config.metadata = { ...config.metadata, generation };
  if (status) config.status = status as unknown as NonNullable<FederatedTypeConfig['status']>;
  return config;
}

describe('disable', () => {
  it('waits for NotRunning reported for the current generation', () => {
    assert.equal(
      propagationStopped(ftc(2, { observedGeneration: 2, propagationController: 'NotRunning' })),
      true,
    );
    assert.equal(
      propagationStopped(ftc(2, { observedGeneration: 3, propagationController: 'NotRunning' })),
      true,
    );
    // Reported before the Disabled write was seen: not yet.
    assert.equal(
      propagationStopped(ftc(2, { observedGeneration: 1, propagationController: 'NotRunning' })),
      false,
    );
    assert.equal(
      propagationStopped(ftc(2, { observedGeneration: 2, propagationController: 'Running' })),
      false,
    );
    assert.equal(propagationStopped(ftc(2)), false);
  });

  it('says on timeout that the controller manager writes the status, and what to do', () => {
    const qualified = 'kube-federation-system/widgets.example.com';
    assert.equal(
      stopTimeoutMessage(ftc(2), qualified, 10_000),
      'timed out after 10s waiting for the propagation controller of FederatedTypeConfig ' +
        '"kube-federation-system/widgets.example.com" to stop: it has no status, so no ' +
        'FederatedTypeConfig controller has ever processed it. Is the KubeFed controller manager ' +
        'running (it writes this status) for KubeFed namespace "kube-federation-system"? Propagation ' +
        'is left Disabled; start the controller manager and run disable again, or raise --timeout.',
    );
    assert.match(
      stopTimeoutMessage(
        ftc(3, { observedGeneration: 2, propagationController: 'Running' }),
        qualified,
        1500,
      ),
      /^timed out after 1\.5s .*: its status says propagationController Running for generation 2, and the FederatedTypeConfig is at generation 3\. Is the KubeFed controller manager running/,
    );
  });

  it('counts the federated objects that block deleting the CRD, listing a few', () => {
    const objects = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ metadata: { name: `w${i}`, namespace: 'ns1' } }));
    assert.equal(
      remainingInstancesMessage('federatedwidgets.types.kubefed.io', 'FederatedWidget', objects(1)),
      'Cannot delete CRD "federatedwidgets.types.kubefed.io" while resource instances exist: ' +
        '1 FederatedWidget object remains (ns1/w0). Delete them first, or run disable without ' +
        '--delete-crd to keep the CRD.',
    );
    assert.match(
      remainingInstancesMessage('federatedwidgets.types.kubefed.io', 'FederatedWidget', objects(7)),
      /: 7 FederatedWidget objects remain \(ns1\/w0, ns1\/w1, ns1\/w2, ns1\/w3, ns1\/w4, and 2 more\)\./,
    );
  });

  it('reads --timeout as a Go duration or seconds', () => {
    assert.equal(parseTimeout('10s'), 10_000);
    assert.equal(parseTimeout('1m30s'), 90_000);
    assert.equal(parseTimeout('2'), 2000);
    assert.equal(parseTimeout('0.5'), 500);
    assert.throws(() => parseTimeout('0s'), /must be positive/);
    assert.throws(() => parseTimeout('soon'), /invalid duration/);
  });
});
