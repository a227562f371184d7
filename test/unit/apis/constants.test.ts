import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AGGREGATE_REASONS,
  DEFAULT_KUBEFED_NAMESPACE,
  PROPAGATION_STATUS_CODES,
  clusterNotReachableMessage,
  groupQualifiedName,
  isRecoverablePropagationStatus,
  pluralName,
  propagatedVersionName,
  systemNamespaces,
} from '../../../src/apis/constants.ts';

describe('pluralName', () => {
  const cases: [kind: string, plural: string][] = [
    ['Deployment', 'deployments'],
    ['ConfigMap', 'configmaps'],
    ['Ingress', 'ingresses'],
    ['Policy', 'policies'],
    ['Box', 'boxes'],
    ['Patch', 'patches'],
    ['Mesh', 'meshes'],
    // The rule is KubeFed's, not English: a final `z` just gets `es`.
    ['Quiz', 'quizes'],
    ['Echo', 'echoes'],
    ['Key', 'keies'],
    ['Namespace', 'namespaces'],
    ['FederatedDeployment', 'federateddeployments'],
    ['ReplicaSchedulingPreference', 'replicaschedulingpreferences'],
  ];
  for (const [kind, plural] of cases) {
    it(`${kind} → ${plural}`, () => assert.equal(pluralName(kind), plural));
  }
});

describe('naming', () => {
  it('qualifies FTC names with the group except for the core group', () => {
    assert.equal(groupQualifiedName({ pluralName: 'configmaps', group: '' }), 'configmaps');
    assert.equal(groupQualifiedName({ pluralName: 'configmaps' }), 'configmaps');
    assert.equal(
      groupQualifiedName({ pluralName: 'deployments', group: 'apps' }),
      'deployments.apps',
    );
  });

  it('names propagated versions <lower-case kind>-<name>', () => {
    assert.equal(propagatedVersionName('Deployment', 'web'), 'deployment-web');
    assert.equal(propagatedVersionName('ClusterRole', 'admin'), 'clusterrole-admin');
  });

  it('never federates the built-in namespaces or KFNS', () => {
    assert.deepEqual([...systemNamespaces(DEFAULT_KUBEFED_NAMESPACE)].sort(), [
      'default',
      'kube-federation-system',
      'kube-public',
      'kube-system',
    ]);
    assert.ok(systemNamespaces('my-kfns').has('my-kfns'));
  });

  it('completes the not-reachable message with the error', () => {
    assert.equal(
      clusterNotReachableMessage('connection refused'),
      'cluster is not reachable: connection refused',
    );
  });
});

describe('propagation status vocabulary', () => {
  it('has the 19 codes of KubeFed and the additive UpdateLoopDetected, success excluded', () => {
    assert.equal(PROPAGATION_STATUS_CODES.length, 20);
    assert.equal(new Set(PROPAGATION_STATUS_CODES).size, 20);
    assert.equal(PROPAGATION_STATUS_CODES.at(-1), 'UpdateLoopDetected');
    assert.ok(!(PROPAGATION_STATUS_CODES as readonly string[]).includes(''));
  });

  it('marks exactly the write, retrieval and timeout failures recoverable', () => {
    const recoverable = PROPAGATION_STATUS_CODES.filter(isRecoverablePropagationStatus);
    assert.deepEqual(recoverable.sort(), [
      'ClientRetrievalFailed',
      'CreationFailed',
      'CreationTimedOut',
      'DeletionFailed',
      'DeletionTimedOut',
      'LabelRemovalFailed',
      'LabelRemovalTimedOut',
      'RetrievalFailed',
      'UpdateFailed',
      'UpdateTimedOut',
    ]);
    assert.equal(isRecoverablePropagationStatus('AlreadyExists'), false);
    assert.equal(isRecoverablePropagationStatus('ClusterNotReady'), false);
  });

  it('lists the non-empty aggregate reasons', () => {
    assert.deepEqual(
      [...AGGREGATE_REASONS],
      [
        'CheckClusters',
        'ClusterRetrievalFailed',
        'ComputePlacementFailed',
        'NamespaceNotFederated',
      ],
    );
  });
});
