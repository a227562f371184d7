import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyTypeConfigDefaults, federatedIsNamespaced } from '../../../src/apis/typeconfig.ts';
import type { FederatedTypeConfig } from '../../../src/apis/types.ts';
import {
  planTypeConfig,
  statusControllerWanted,
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
  statusRunningGeneration: undefined,
  rawResourceStatusCollection: false,
};

describe('planTypeConfig (spec §6)', () => {
  it('starts the sync controller of an enabled type and reports Running', () => {
    const plan = planTypeConfig(ftc('configmaps', 'Namespaced'), idle);
    assert.deepEqual(plan, {
      kind: 'sync',
      action: 'start',
      statusAction: 'none',
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
      statusAction: 'none',
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
      stopStatus: false,
    });
    assert.deepEqual(planTypeConfig(deleting, idle), {
      kind: 'finalize',
      stop: false,
      stopStatus: false,
    });
    assert.deepEqual(planTypeConfig(deleting, { ...idle, statusRunningGeneration: 1 }), {
      kind: 'finalize',
      stop: false,
      stopStatus: true,
    });
  });
});

describe('planTypeConfig: the legacy status controller (spec §6 steps 3 and 7, §8.1)', () => {
  const statusType = {
    group: 'core.kubefed.io',
    version: 'v1alpha1',
    kind: 'FederatedServiceStatus',
    pluralName: 'federatedservicestatuses',
    scope: 'Namespaced' as const,
  };
  const services = (
    overrides: Partial<FederatedTypeConfig['spec']> = {},
    generation = 1,
  ): FederatedTypeConfig =>
    ftc(
      'services',
      'Namespaced',
      { statusCollection: 'Enabled', statusType, ...overrides },
      generation,
    );
  const noStatusType = ftc('services', 'Namespaced', { statusCollection: 'Enabled' });
  const sync = (plan: ReturnType<typeof planTypeConfig>) => {
    assert.equal(plan.kind, 'sync');
    return plan;
  };

  it('is wanted only for "services" with statusCollection Enabled and a statusType, gate off', () => {
    assert.equal(statusControllerWanted(services(), false), true);
    assert.equal(statusControllerWanted(services(), true), false);
    assert.equal(statusControllerWanted(services({ statusCollection: 'Disabled' }), false), false);
    assert.equal(statusControllerWanted(noStatusType, false), false);
    const configmaps = ftc('configmaps', 'Namespaced', { statusCollection: 'Enabled', statusType });
    assert.equal(statusControllerWanted(configmaps, false), false);
  });

  it('starts it beside the sync controller and reports both Running', () => {
    assert.deepEqual(planTypeConfig(services(), idle), {
      kind: 'sync',
      action: 'start',
      statusAction: 'start',
      status: {
        observedGeneration: 1,
        propagationController: 'Running',
        statusController: 'Running',
      },
    });
  });

  it('runs it whatever propagation says, and even while the namespaces FTC is missing', () => {
    const disabled = sync(planTypeConfig(services({ propagation: 'Disabled' }), idle));
    assert.equal(disabled.action, 'none');
    assert.equal(disabled.statusAction, 'start');
    assert.equal(disabled.status.propagationController, 'NotRunning');
    assert.equal(disabled.status.statusController, 'Running');
    const blocked = sync(
      planTypeConfig(services(), { ...idle, namespacesTypeConfigPresent: false }),
    );
    assert.ok(blocked.blocked);
    assert.equal(blocked.statusAction, 'start');
  });

  it('leaves a running one alone, and rebuilds it from a new generation', () => {
    const running = { ...idle, runningGeneration: 1, statusRunningGeneration: 1 };
    assert.equal(sync(planTypeConfig(services(), running)).statusAction, 'none');
    const changed = sync(planTypeConfig(services({}, 2), running));
    assert.equal(changed.statusAction, 'restart');
    assert.equal(changed.status.statusController, 'Running');
  });

  it('stops it when statusCollection is disabled, the statusType removed or the gate on', () => {
    const running = { ...idle, runningGeneration: 1, statusRunningGeneration: 1 };
    for (const [spec, situation] of [
      [services({ statusCollection: 'Disabled' }), running],
      [noStatusType, running],
      [services(), { ...running, rawResourceStatusCollection: true }],
    ] as const) {
      const plan = sync(planTypeConfig(spec, situation));
      assert.equal(plan.statusAction, 'stop');
      assert.equal(plan.status.statusController, 'NotRunning');
      assert.equal(plan.action, 'none', 'the sync controller keeps running');
    }
  });

  it('stops it for a type skipped by a namespaced control plane', () => {
    const plan = planTypeConfig(
      ftc('services', 'Cluster', { statusCollection: 'Enabled', statusType }),
      {
        ...idle,
        limitedScope: true,
        statusRunningGeneration: 1,
      },
    );
    assert.equal(plan.kind, 'skip-cluster-scoped');
    assert.equal(plan.statusAction, 'stop');
    assert.equal(plan.status.statusController, 'NotRunning');
  });

  it('says when statusCollection: Enabled has no effect with the raw gate off', () => {
    const deployments = ftc('deployments.apps', 'Namespaced', { statusCollection: 'Enabled' });
    assert.match(
      sync(planTypeConfig(deployments, idle)).statusCollectionIgnored ?? '',
      /"deployments.apps" has no effect without the RawResourceStatusCollection feature gate/,
    );
    assert.match(
      sync(planTypeConfig(noStatusType, idle)).statusCollectionIgnored ?? '',
      /"services" has no effect without spec.statusType/,
    );
    // Served by the status controller, by raw collection, or not asked for: nothing to say.
    for (const [spec, raw] of [
      [services(), false],
      [deployments, true],
      [ftc('deployments.apps', 'Namespaced'), false],
    ] as const) {
      const plan = sync(planTypeConfig(spec, { ...idle, rawResourceStatusCollection: raw }));
      assert.equal(plan.statusCollectionIgnored, undefined);
    }
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
