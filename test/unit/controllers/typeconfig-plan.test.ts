import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyTypeConfigDefaults, federatedIsNamespaced } from '../../../src/apis/typeconfig.ts';
import type { FederatedTypeConfig } from '../../../src/apis/types.ts';
import {
  planTypeConfig,
  type TypeConfigSituation,
} from '../../../src/controllers/typeconfig/plan.ts';

function ftc(
  name: string,
  scope: 'Namespaced' | 'Cluster',
  overrides: Partial<FederatedTypeConfig['spec']> = {},
  generation = 1,
): FederatedTypeConfig {
  return {
    apiVersion: 'core.kubefed.io/v1beta1',
    kind: 'FederatedTypeConfig',
    metadata: { name, namespace: 'kube-federation-system', generation },
    spec: {
      targetType: { version: 'v1', kind: 'Thing', pluralName: '', scope },
      federatedType: {
        group: 'types.kubefed.io',
        version: 'v1beta1',
        kind: 'FederatedThing',
        pluralName: '',
        scope: 'Namespaced',
      },
      propagation: 'Enabled',
      ...overrides,
    },
  };
}

const idle: TypeConfigSituation = {
  limitedScope: false,
  namespacesTypeConfigPresent: true,
  runningGeneration: undefined,
};

describe('planTypeConfig (spec §6)', () => {
  it('starts the sync controller of an enabled type and reports Running', () => {
    const plan = planTypeConfig(ftc('configmaps', 'Namespaced'), idle);
    assert.deepEqual(plan, {
      kind: 'sync',
      action: 'start',
      status: {
        observedGeneration: 1,
        propagationController: 'Running',
        statusController: 'NotRunning',
      },
    });
  });

  it('stops it when propagation is disabled and reports NotRunning', () => {
    const plan = planTypeConfig(ftc('configmaps', 'Namespaced', { propagation: 'Disabled' }), {
      ...idle,
      runningGeneration: 1,
    });
    assert.equal(plan.kind === 'sync' && plan.action, 'stop');
    assert.equal(plan.kind === 'sync' && plan.status.propagationController, 'NotRunning');
  });

  it('does nothing for a disabled type that is not running', () => {
    const plan = planTypeConfig(ftc('configmaps', 'Namespaced', { propagation: 'Disabled' }), idle);
    assert.equal(plan.kind === 'sync' && plan.action, 'none');
  });

  it('waits for the namespaces FTC before a namespaced type, saying why', () => {
    const plan = planTypeConfig(ftc('configmaps', 'Namespaced'), {
      ...idle,
      namespacesTypeConfigPresent: false,
    });
    assert.equal(plan.kind === 'sync' && plan.action, 'none');
    assert.match(
      plan.kind === 'sync' ? (plan.blocked ?? '') : '',
      /"namespaces" FederatedTypeConfig is required/,
    );
  });

  it('stops a running namespaced type when the namespaces FTC goes away', () => {
    const plan = planTypeConfig(ftc('configmaps', 'Namespaced'), {
      ...idle,
      namespacesTypeConfigPresent: false,
      runningGeneration: 1,
    });
    assert.equal(plan.kind === 'sync' && plan.action, 'stop');
  });

  it('does not need the namespaces FTC for itself or for cluster-scoped types', () => {
    const missing = { ...idle, namespacesTypeConfigPresent: false };
    assert.equal(planTypeConfig(ftc('namespaces', 'Cluster'), missing).kind === 'sync', true);
    const ns = planTypeConfig(ftc('namespaces', 'Cluster'), missing);
    const cr = planTypeConfig(ftc('clusterroles.rbac.authorization.k8s.io', 'Cluster'), missing);
    assert.equal(ns.kind === 'sync' && ns.action, 'start');
    assert.equal(cr.kind === 'sync' && cr.action, 'start');
  });

  it('restarts the sync controller when the FTC generation changed', () => {
    const plan = planTypeConfig(ftc('configmaps', 'Namespaced', {}, 2), {
      ...idle,
      runningGeneration: 1,
    });
    assert.equal(plan.kind === 'sync' && plan.action, 'restart');
    assert.equal(plan.kind === 'sync' && plan.status.observedGeneration, 2);
  });

  it('skips cluster-scoped types in a namespaced control plane, reporting NotRunning', () => {
    const plan = planTypeConfig(ftc('clusterroles.rbac.authorization.k8s.io', 'Cluster'), {
      ...idle,
      limitedScope: true,
    });
    assert.deepEqual(plan, {
      kind: 'skip-cluster-scoped',
      status: {
        observedGeneration: 1,
        propagationController: 'NotRunning',
        statusController: 'NotRunning',
      },
    });
  });

  it('finalizes an FTC being deleted, stopping its controller if it runs', () => {
    const deleting = ftc('configmaps', 'Namespaced');
    deleting.metadata = { ...deleting.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' };
    assert.deepEqual(planTypeConfig(deleting, { ...idle, runningGeneration: 1 }), {
      kind: 'finalize',
      stop: true,
    });
    assert.deepEqual(planTypeConfig(deleting, idle), { kind: 'finalize', stop: false });
  });
});

describe('applyTypeConfigDefaults (spec §2.3)', () => {
  it('derives the target plural and group from the name, and the federated plural from its kind', () => {
    const d = applyTypeConfigDefaults(ftc('deployments.apps', 'Namespaced'));
    assert.equal(d.spec.targetType.pluralName, 'deployments');
    assert.equal(d.spec.targetType.group, 'apps');
    assert.equal(d.spec.federatedType.pluralName, 'federatedthings');
    const core = applyTypeConfigDefaults(ftc('configmaps', 'Namespaced'));
    assert.equal(core.spec.targetType.pluralName, 'configmaps');
    assert.equal(core.spec.targetType.group, undefined);
  });

  it('keeps values that are set', () => {
    const given = ftc('widgets.example.com', 'Namespaced');
    given.spec.targetType.pluralName = 'widgetz';
    given.spec.targetType.group = 'other.example.com';
    const d = applyTypeConfigDefaults(given);
    assert.equal(d.spec.targetType.pluralName, 'widgetz');
    assert.equal(d.spec.targetType.group, 'other.example.com');
  });

  it('treats FederatedNamespace as namespaced though Namespace is cluster-scoped', () => {
    assert.equal(federatedIsNamespaced(ftc('namespaces', 'Cluster')), true);
    assert.equal(
      federatedIsNamespaced(ftc('clusterroles.rbac.authorization.k8s.io', 'Cluster')),
      false,
    );
  });
});
