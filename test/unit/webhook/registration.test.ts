import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { webhookConfigurations } from '../../../src/webhook/registration.ts';

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const caBundle = Buffer.from(CA).toString('base64');

function rule(resources: string[], operations = ['CREATE', 'UPDATE']): unknown {
  return {
    operations,
    apiGroups: ['core.kubefed.io'],
    apiVersions: ['v1beta1'],
    resources,
  };
}

describe('webhookConfigurations', () => {
  it("is KubeFed's chart registration for a cluster-scoped install behind a Service", () => {
    const service = { namespace: 'kube-federation-system', name: 'kubefed-admission-webhook' };
    const clientConfig = (path: string): unknown => ({ service: { ...service, path }, caBundle });
    const common = { admissionReviewVersions: ['v1'], failurePolicy: 'Fail', sideEffects: 'None' };
    assert.deepEqual(
      webhookConfigurations({
        kubefedNamespace: 'kube-federation-system',
        scope: 'Cluster',
        endpoint: { service },
        caBundlePem: CA,
      }),
      {
        validating: {
          apiVersion: 'admissionregistration.k8s.io/v1',
          kind: 'ValidatingWebhookConfiguration',
          metadata: { name: 'validations.core.kubefed.io' },
          webhooks: [
            {
              name: 'federatedtypeconfigs.core.kubefed.io',
              ...common,
              clientConfig: clientConfig('/validate-federatedtypeconfigs'),
              rules: [rule(['federatedtypeconfigs', 'federatedtypeconfigs/status'])],
            },
            {
              name: 'kubefedclusters.core.kubefed.io',
              ...common,
              clientConfig: clientConfig('/validate-kubefedcluster'),
              rules: [rule(['kubefedclusters', 'kubefedclusters/status'])],
            },
            {
              name: 'kubefedconfigs.core.kubefed.io',
              ...common,
              clientConfig: clientConfig('/validate-kubefedconfig'),
              rules: [rule(['kubefedconfigs'])],
            },
          ],
        },
        mutating: {
          apiVersion: 'admissionregistration.k8s.io/v1',
          kind: 'MutatingWebhookConfiguration',
          metadata: { name: 'mutation.core.kubefed.io' },
          webhooks: [
            {
              name: 'kubefedconfigs.core.kubefed.io',
              ...common,
              clientConfig: clientConfig('/default-kubefedconfig'),
              rules: [rule(['kubefedconfigs'], ['CREATE'])],
            },
          ],
        },
      },
    );
  });

  it('suffixes the names and selects the namespace when namespaced; URLs get the path', () => {
    const { validating, mutating } = webhookConfigurations({
      kubefedNamespace: 'team-a',
      scope: 'Namespaced',
      endpoint: { url: 'https://127.0.0.1:9443/' },
      caBundlePem: CA,
    });
    assert.deepEqual(validating['metadata'], { name: 'validations.core.kubefed.io-team-a' });
    assert.deepEqual(mutating['metadata'], { name: 'mutation.core.kubefed.io-team-a' });
    const webhooks = [
      ...(validating['webhooks'] as Record<string, unknown>[]),
      ...(mutating['webhooks'] as Record<string, unknown>[]),
    ];
    assert.deepEqual(
      webhooks.map((w) => w['clientConfig']),
      [
        { url: 'https://127.0.0.1:9443/validate-federatedtypeconfigs', caBundle },
        { url: 'https://127.0.0.1:9443/validate-kubefedcluster', caBundle },
        { url: 'https://127.0.0.1:9443/validate-kubefedconfig', caBundle },
        { url: 'https://127.0.0.1:9443/default-kubefedconfig', caBundle },
      ],
    );
    for (const webhook of webhooks) {
      assert.deepEqual(webhook['namespaceSelector'], { matchLabels: { name: 'team-a' } });
    }
  });

  it('passes a service port through', () => {
    const { mutating } = webhookConfigurations({
      kubefedNamespace: 'kfns',
      scope: 'Cluster',
      endpoint: { service: { namespace: 'kfns', name: 'hook', port: 8443 } },
      caBundlePem: CA,
    });
    const [webhook] = mutating['webhooks'] as Record<string, unknown>[];
    assert.deepEqual((webhook?.['clientConfig'] as Record<string, unknown>)['service'], {
      namespace: 'kfns',
      name: 'hook',
      path: '/default-kubefedconfig',
      port: 8443,
    });
  });
});
