// The webhook configurations that send KubeFed's objects to kubefed-webhook (spec §11), as
// KubeFed's chart registers them; pure. The chart renders the same objects from its templates
// (with a Service clientConfig); the sandbox and the tests register a loopback URL.
import {
  CORE_GROUP,
  MUTATING_WEBHOOK_CONFIGURATION_NAME,
  ResourceScope,
  VALIDATING_WEBHOOK_CONFIGURATION_NAME,
} from '../apis/constants.ts';
import { ADMISSION_PATHS } from './admission.ts';
const ADMISSION_API_VERSION = 'admissionregistration.k8s.io/v1';

/** Where the apiserver reaches the webhook: a base URL, or a Service (KubeFed's chart). */
export type WebhookEndpoint =
  { url: string } | { service: { namespace: string; name: string; port?: number } };

export interface WebhookRegistrationOptions {
  /** The namespace KubeFed is installed in (the chart's release namespace). */
  kubefedNamespace: string;
  /** A Namespaced control plane registers per namespace: names suffixed, objects selected. */
  scope: ResourceScope;
  endpoint: WebhookEndpoint;
  /** PEM of the CA that signed the webhook's serving certificate. */
  caBundlePem: string;
}

export interface WebhookConfigurations {
  validating: Record<string, unknown>;
  mutating: Record<string, unknown>;
}

/**
 * `validations.core.kubefed.io` and `mutation.core.kubefed.io` (`-<namespace>` when namespaced,
 * with a namespaceSelector `name: <namespace>` so objects elsewhere never reach the webhook).
 */
export function webhookConfigurations(options: WebhookRegistrationOptions): WebhookConfigurations {
  const namespaced = options.scope === ResourceScope.Namespaced;
  const suffix = namespaced ? `-${options.kubefedNamespace}` : '';
  const webhook = (
    plural: string,
    path: string,
    operations: readonly string[],
    subresources: readonly string[],
  ): Record<string, unknown> => ({
    name: `${plural}.${CORE_GROUP}`,
    admissionReviewVersions: ['v1'],
    clientConfig: clientConfig(options.endpoint, path, options.caBundlePem),
    rules: [
      {
        operations: [...operations],
        apiGroups: [CORE_GROUP],
        apiVersions: ['v1beta1'],
        resources: [plural, ...subresources.map((sub) => `${plural}/${sub}`)],
      },
    ],
    failurePolicy: 'Fail',
    sideEffects: 'None',
    ...(namespaced
      ? { namespaceSelector: { matchLabels: { name: options.kubefedNamespace } } }
      : {}),
  });
  const createOrUpdate = ['CREATE', 'UPDATE'];
  return {
    validating: {
      apiVersion: ADMISSION_API_VERSION,
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: `${VALIDATING_WEBHOOK_CONFIGURATION_NAME}${suffix}` },
      webhooks: [
        webhook('federatedtypeconfigs', ADMISSION_PATHS.validateTypeConfigs, createOrUpdate, [
          'status',
        ]),
        webhook('kubefedclusters', ADMISSION_PATHS.validateClusters, createOrUpdate, ['status']),
        webhook('kubefedconfigs', ADMISSION_PATHS.validateConfigs, createOrUpdate, []),
      ],
    },
    mutating: {
      apiVersion: ADMISSION_API_VERSION,
      kind: 'MutatingWebhookConfiguration',
      metadata: { name: `${MUTATING_WEBHOOK_CONFIGURATION_NAME}${suffix}` },
      webhooks: [webhook('kubefedconfigs', ADMISSION_PATHS.defaultConfigs, ['CREATE'], [])],
    },
  };
}

function clientConfig(
  endpoint: WebhookEndpoint,
  path: string,
  caBundlePem: string,
): Record<string, unknown> {
  const caBundle = Buffer.from(caBundlePem).toString('base64');
  if ('url' in endpoint) return { url: `${endpoint.url.replace(/\/+$/, '')}${path}`, caBundle };
  const { namespace, name, port } = endpoint.service;
  return {
    service: { namespace, name, path, ...(port !== undefined ? { port } : {}) },
    caBundle,
  };
}
