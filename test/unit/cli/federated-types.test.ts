// What `kubefedctl enable` and `kubefedctl init` print about the writes they made.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeApplyResult, summarizeApplyResults } from '../../../src/cli/federated-types.ts';
import type { ApplyResult } from '../../../src/cli/federated-types.ts';

const result = (crd: ApplyResult['crd'], typeConfig: ApplyResult['typeConfig']): ApplyResult => ({
  crdName: 'federateddeployments.types.kubefed.io',
  crd,
  typeConfigName: 'deployments.apps',
  typeConfig,
});

describe('enable output', () => {
  it('prints one kubectl-style line per object', () => {
    assert.equal(
      describeApplyResult(result('created', 'updated'), 'kube-federation-system', false),
      'customresourcedefinition.apiextensions.k8s.io/federateddeployments.types.kubefed.io created\n' +
        'federatedtypeconfig.core.kubefed.io/deployments.apps updated in namespace kube-federation-system\n',
    );
    assert.match(
      describeApplyResult(result('created', 'created'), 'fed', true),
      /created \(server dry run\)\n.*created in namespace fed \(server dry run\)\n$/,
    );
  });

  it('summarizes the default types by their most significant change', () => {
    assert.equal(
      summarizeApplyResults([
        result('created', 'created'),
        result('unchanged', 'created'),
        result('updated', 'unchanged'),
        result('unchanged', 'unchanged'),
      ]),
      '4 types: 2 created, 1 updated, 1 unchanged',
    );
    assert.equal(summarizeApplyResults([result('unchanged', 'unchanged')]), '1 type: 1 unchanged');
  });
});
