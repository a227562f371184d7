import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  applyKubeFedConfigDefaults,
  defaultKubeFedConfig,
  validateKubeFedConfig,
} from '../../../src/apis/kubefedconfig.ts';
import type { KubeFedConfig } from '../../../src/apis/types.ts';

/**
 * A valid, fully defaulted config with one spec field set to `value`: `section.field`, or the
 * whole section when `field` is undefined. `undefined` stands for a missing field.
 */
function configWith(section: string, field: string | undefined, value: unknown): KubeFedConfig {
  const config = defaultKubeFedConfig('kube-federation-system', 'Cluster');
  const spec = config.spec as Record<string, unknown>;
  if (field === undefined) spec[section] = value;
  else (spec[section] as Record<string, unknown>)[field] = value;
  return config;
}

describe('defaultKubeFedConfig', () => {
  it('is the chart default: every §2.2 default in Go duration text', () => {
    assert.deepEqual(defaultKubeFedConfig('kfns', 'Namespaced'), {
      apiVersion: 'core.kubefed.io/v1beta1',
      kind: 'KubeFedConfig',
      metadata: { name: 'kubefed', namespace: 'kfns' },
      spec: {
        scope: 'Namespaced',
        controllerDuration: {
          availableDelay: '20s',
          unavailableDelay: '1m0s',
          cacheSyncTimeout: '5m0s',
        },
        leaderElect: {
          leaseDuration: '15s',
          renewDeadline: '10s',
          retryPeriod: '5s',
          resourceLock: 'configmaps',
        },
        featureGates: [
          { name: 'PushReconciler', configuration: 'Enabled' },
          { name: 'RawResourceStatusCollection', configuration: 'Disabled' },
          { name: 'SchedulerPreferences', configuration: 'Enabled' },
        ],
        clusterHealthCheck: {
          period: '10s',
          failureThreshold: 3,
          successThreshold: 1,
          timeout: '3s',
        },
        syncController: { maxConcurrentReconciles: 1, adoptResources: 'Enabled' },
        statusController: { maxConcurrentReconciles: 1 },
      },
    });
  });

  it('is valid', () => {
    assert.deepEqual(validateKubeFedConfig(defaultKubeFedConfig('kfns', 'Cluster')), []);
  });
});

describe('applyKubeFedConfigDefaults', () => {
  it('fills missing and null fields, keeps present ones as written, leaves the input alone', () => {
    const input = {
      apiVersion: 'core.kubefed.io/v1beta1',
      kind: 'KubeFedConfig',
      metadata: { name: 'kubefed', namespace: 'kfns' },
      spec: {
        scope: 'Cluster',
        controllerDuration: { availableDelay: '60s', unavailableDelay: null },
        leaderElect: null,
        clusterHealthCheck: { failureThreshold: 7, extra: 'kept' },
        syncController: { adoptResources: 'Disabled' },
        unknownSection: { kept: true },
      },
    } as unknown as KubeFedConfig;
    const before = structuredClone(input);
    const result = applyKubeFedConfigDefaults(input);
    assert.deepEqual(input, before);
    assert.deepEqual(result.spec.controllerDuration, {
      availableDelay: '60s',
      unavailableDelay: '1m0s',
      cacheSyncTimeout: '5m0s',
    });
    assert.deepEqual(result.spec.leaderElect, {
      leaseDuration: '15s',
      renewDeadline: '10s',
      retryPeriod: '5s',
      resourceLock: 'configmaps',
    });
    assert.deepEqual(result.spec.clusterHealthCheck, {
      failureThreshold: 7,
      extra: 'kept',
      period: '10s',
      successThreshold: 1,
      timeout: '3s',
    });
    assert.deepEqual(result.spec.syncController, {
      adoptResources: 'Disabled',
      maxConcurrentReconciles: 1,
    });
    assert.deepEqual(result.spec.statusController, { maxConcurrentReconciles: 1 });
    assert.deepEqual(result.spec['unknownSection'], { kept: true });
    assert.deepEqual(validateKubeFedConfig(result), []);
  });

  it('never defaults the scope', () => {
    const result = applyKubeFedConfigDefaults({ metadata: { name: 'kubefed' } } as KubeFedConfig);
    assert.equal(result.spec.scope, undefined);
    assert.deepEqual(validateKubeFedConfig(result), ['spec.scope: Required value']);
  });

  it('appends missing known gates with their defaults and sorts all gates by name', () => {
    const result = applyKubeFedConfigDefaults({
      spec: {
        scope: 'Cluster',
        featureGates: [
          { name: 'SchedulerPreferences', configuration: 'Disabled' },
          { name: 'FederatedIngress', configuration: 'Enabled' },
        ],
      },
    });
    assert.deepEqual(result.spec.featureGates, [
      { name: 'FederatedIngress', configuration: 'Enabled' },
      { name: 'PushReconciler', configuration: 'Enabled' },
      { name: 'RawResourceStatusCollection', configuration: 'Disabled' },
      { name: 'SchedulerPreferences', configuration: 'Disabled' },
    ]);
  });

  it('is idempotent', () => {
    const once = applyKubeFedConfigDefaults({ spec: { scope: 'Namespaced' } });
    assert.deepEqual(applyKubeFedConfigDefaults(once), once);
  });
});

describe('validateKubeFedConfig', () => {
  // One failing case per rule of §2.2; each config is otherwise valid.
  const cases: [rule: string, config: () => KubeFedConfig, error: string][] = [
    [
      'scope is required',
      () => configWith('scope', undefined, undefined),
      'spec.scope: Required value',
    ],
    [
      'scope is Cluster or Namespaced',
      () => configWith('scope', undefined, 'Global'),
      'spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"',
    ],
    [
      'controllerDuration is required',
      () => configWith('controllerDuration', undefined, undefined),
      'spec.controllerDuration: Required value',
    ],
    [
      'availableDelay > 0',
      () => configWith('controllerDuration', 'availableDelay', '0s'),
      'spec.controllerDuration.availableDelay: Invalid value: "0s": should be greater than 0',
    ],
    [
      'unavailableDelay > 0',
      () => configWith('controllerDuration', 'unavailableDelay', '-1m'),
      'spec.controllerDuration.unavailableDelay: Invalid value: "-1m": should be greater than 0',
    ],
    [
      'cacheSyncTimeout is required',
      () => configWith('controllerDuration', 'cacheSyncTimeout', undefined),
      'spec.controllerDuration.cacheSyncTimeout: Required value',
    ],
    [
      'durations parse',
      () => configWith('controllerDuration', 'availableDelay', '20 seconds'),
      'spec.controllerDuration.availableDelay: Invalid value: "20 seconds": time: unknown unit " seconds" in duration "20 seconds"',
    ],
    [
      'durations are strings',
      () => configWith('controllerDuration', 'availableDelay', 20),
      'spec.controllerDuration.availableDelay: Invalid value: 20: must be a duration string such as "10s"',
    ],
    [
      'leaderElect is required',
      () => configWith('leaderElect', undefined, undefined),
      'spec.leaderElect: Required value',
    ],
    [
      'retryPeriod > 0',
      () => configWith('leaderElect', 'retryPeriod', '0'),
      'spec.leaderElect.retryPeriod: Invalid value: "0": should be greater than 0',
    ],
    [
      'leaseDuration > renewDeadline',
      () => configWith('leaderElect', 'leaseDuration', '10s'),
      'spec.leaderElect.leaseDuration: Invalid value: "10s": leaseDuration must be greater than renewDeadline',
    ],
    [
      'renewDeadline > 1.2 × retryPeriod',
      () => configWith('leaderElect', 'renewDeadline', '6s'),
      'spec.leaderElect.renewDeadline: Invalid value: "6s": renewDeadline must be greater than retryPeriod*JitterFactor(1.2)',
    ],
    [
      'resourceLock is configmaps or endpoints',
      () => configWith('leaderElect', 'resourceLock', 'leases'),
      'spec.leaderElect.resourceLock: Unsupported value: "leases": supported values: "configmaps", "endpoints"',
    ],
    [
      'resourceLock is required',
      () => configWith('leaderElect', 'resourceLock', undefined),
      'spec.leaderElect.resourceLock: Required value',
    ],
    [
      'featureGates is required',
      () => configWith('featureGates', undefined, undefined),
      'spec.featureGates: Required value',
    ],
    [
      'feature gates are unique',
      () =>
        configWith('featureGates', undefined, [
          { name: 'PushReconciler', configuration: 'Enabled' },
          { name: 'PushReconciler', configuration: 'Disabled' },
        ]),
      'spec.featureGates[1].name: Duplicate value: "PushReconciler"',
    ],
    [
      'feature gate names are known',
      () => configWith('featureGates', undefined, [{ name: 'Teleport', configuration: 'Enabled' }]),
      'spec.featureGates[0].name: Unsupported value: "Teleport": supported values: "PushReconciler", "SchedulerPreferences", "RawResourceStatusCollection", "CrossClusterServiceDiscovery", "FederatedIngress"',
    ],
    [
      'feature gate configuration is Enabled or Disabled',
      () =>
        configWith('featureGates', undefined, [{ name: 'PushReconciler', configuration: 'true' }]),
      'spec.featureGates[0].configuration: Unsupported value: "true": supported values: "Enabled", "Disabled"',
    ],
    [
      'clusterHealthCheck is required',
      () => configWith('clusterHealthCheck', undefined, undefined),
      'spec.clusterHealthCheck: Required value',
    ],
    [
      'period > 0',
      () => configWith('clusterHealthCheck', 'period', '0s'),
      'spec.clusterHealthCheck.period: Invalid value: "0s": should be greater than 0',
    ],
    [
      'failureThreshold > 0',
      () => configWith('clusterHealthCheck', 'failureThreshold', 0),
      'spec.clusterHealthCheck.failureThreshold: Invalid value: 0: should be greater than 0',
    ],
    [
      'successThreshold > 0',
      () => configWith('clusterHealthCheck', 'successThreshold', -1),
      'spec.clusterHealthCheck.successThreshold: Invalid value: -1: should be greater than 0',
    ],
    [
      'thresholds are integers',
      () => configWith('clusterHealthCheck', 'successThreshold', 1.5),
      'spec.clusterHealthCheck.successThreshold: Invalid value: 1.5: must be an integer',
    ],
    [
      'timeout > 0',
      () => configWith('clusterHealthCheck', 'timeout', '0ms'),
      'spec.clusterHealthCheck.timeout: Invalid value: "0ms": should be greater than 0',
    ],
    [
      'syncController is required',
      () => configWith('syncController', undefined, undefined),
      'spec.syncController: Required value',
    ],
    [
      'sync maxConcurrentReconciles > 0',
      () => configWith('syncController', 'maxConcurrentReconciles', 0),
      'spec.syncController.maxConcurrentReconciles: Invalid value: 0: should be greater than 0',
    ],
    [
      'adoptResources is required',
      () => configWith('syncController', 'adoptResources', undefined),
      'spec.syncController.adoptResources: Required value',
    ],
    [
      'adoptResources is Enabled or Disabled',
      () => configWith('syncController', 'adoptResources', 'Yes'),
      'spec.syncController.adoptResources: Unsupported value: "Yes": supported values: "Enabled", "Disabled"',
    ],
    [
      'statusController is required',
      () => configWith('statusController', undefined, undefined),
      'spec.statusController: Required value',
    ],
    [
      'status maxConcurrentReconciles > 0',
      () => configWith('statusController', 'maxConcurrentReconciles', 0),
      'spec.statusController.maxConcurrentReconciles: Invalid value: 0: should be greater than 0',
    ],
    [
      'sections are objects',
      () => configWith('statusController', undefined, 'fast'),
      'spec.statusController: Invalid value: "fast": must be an object',
    ],
  ];
  for (const [rule, config, error] of cases) {
    it(rule, () => assert.deepEqual(validateKubeFedConfig(config()), [error]));
  }

  it('accepts the boundaries just inside each leader-election rule', () => {
    const config = configWith('leaderElect', undefined, {
      leaseDuration: '1.5s',
      renewDeadline: '1s',
      retryPeriod: '500ms',
      resourceLock: 'endpoints',
    });
    assert.deepEqual(validateKubeFedConfig(config), []);
    const justAbove = configWith('leaderElect', 'renewDeadline', '6000000001ns');
    assert.deepEqual(validateKubeFedConfig(justAbove), []);
  });

  it('accepts the v0.6.1 DNS gates', () => {
    const config = configWith('featureGates', undefined, [
      { name: 'CrossClusterServiceDiscovery', configuration: 'Enabled' },
      { name: 'FederatedIngress', configuration: 'Disabled' },
    ]);
    assert.deepEqual(validateKubeFedConfig(config), []);
  });

  it('refuses a scope change on update', () => {
    const previous = defaultKubeFedConfig('kfns', 'Cluster');
    const updated = defaultKubeFedConfig('kfns', 'Namespaced');
    assert.deepEqual(validateKubeFedConfig(updated, previous), [
      'spec.scope: Invalid value: "Namespaced": field is immutable',
    ]);
    assert.deepEqual(validateKubeFedConfig(previous, previous), []);
  });

  it('reports every problem of an empty spec at once', () => {
    assert.deepEqual(validateKubeFedConfig({ spec: {} } as KubeFedConfig), [
      'spec.scope: Required value',
      'spec.controllerDuration: Required value',
      'spec.leaderElect: Required value',
      'spec.featureGates: Required value',
      'spec.clusterHealthCheck: Required value',
      'spec.syncController: Required value',
      'spec.statusController: Required value',
    ]);
  });
});
