// CRDs of core.kubefed.io: the same names, scopes, short names, printer columns, status
// subresources and required fields as the KubeFed v0.10 chart. Where KubeFed's webhooks only
// accept a closed set of values, the schema names it as an enum too, so the apiserver rejects a
// bad value even before (or without) the webhook.
import {
  ClusterConditionType,
  ConditionStatus,
  ControllerStatus,
  FeatureGate,
  ResourceLock,
  ResourceScope,
  TLSValidation,
  Toggle,
} from '../constants.ts';
import {
  clusterPropagatedVersionsResource,
  federatedServiceStatusesResource,
  federatedTypeConfigsResource,
  kubeFedClustersResource,
  kubeFedConfigsResource,
  propagatedVersionsResource,
} from '../resources.ts';
import * as schema from './openapi.ts';
import type { CustomResourceDefinition, JSONSchemaProps } from './openapi.ts';

const toggles = Object.values(Toggle);

export function kubeFedClusterCRD(): CustomResourceDefinition {
  return schema.customResourceDefinition(kubeFedClustersResource, {
    statusSubresource: true,
    printerColumns: [
      { name: 'age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
      { name: 'ready', type: 'string', jsonPath: ".status.conditions[?(@.type=='Ready')].status" },
      { name: 'kubernetes-version', type: 'string', jsonPath: '.status.kubernetesVersion' },
    ],
    schema: schema.object(
      {
        spec: schema.object(
          {
            apiEndpoint: schema.string(
              'API server of the member cluster: host, host:port, IP, IP:port or URL.',
            ),
            caBundle: {
              ...schema.string('CA bundle that signed the member API server certificate.'),
              format: 'byte',
            },
            secretRef: schema.object(
              { name: schema.string() },
              {
                required: ['name'],
                description: 'Secret in the KubeFed namespace whose "token" key authenticates.',
              },
            ),
            disabledTLSValidations: schema.arrayOf(
              schema.stringEnum(Object.values(TLSValidation)),
              'TLS checks to skip: SubjectName, ValidityPeriod, or * alone for all.',
            ),
            proxyURL: schema.string('http, https or socks5 proxy to reach the member through.'),
          },
          { required: ['apiEndpoint', 'secretRef'] },
        ),
        status: schema.object(
          {
            conditions: schema.arrayOf(
              schema.object(
                {
                  type: schema.stringEnum(Object.values(ClusterConditionType)),
                  status: schema.stringEnum(Object.values(ConditionStatus)),
                  lastProbeTime: schema.dateTime(),
                  lastTransitionTime: schema.dateTime(),
                  reason: schema.string(),
                  message: schema.string(),
                },
                { required: ['type', 'status', 'lastProbeTime'] },
              ),
            ),
            kubernetesVersion: schema.string('gitVersion of the member, while it is ready.'),
            zones: schema.arrayOf(schema.string()),
            region: schema.string(),
          },
          { required: ['conditions'] },
        ),
      },
      {
        required: ['spec'],
        description: 'A member cluster of the federation and how to reach it.',
      },
    ),
  });
}

export function kubeFedConfigCRD(): CustomResourceDefinition {
  return schema.customResourceDefinition(kubeFedConfigsResource, {
    statusSubresource: false,
    schema: schema.object(
      {
        spec: schema.object(
          {
            scope: {
              ...schema.stringEnum(
                Object.values(ResourceScope),
                'Namespaced limits the control plane to the KubeFed namespace.',
              ),
              'x-kubernetes-validations': [
                { rule: 'self == oldSelf', message: 'field is immutable' },
              ],
            },
            controllerDuration: schema.object({
              availableDelay: schema.string(),
              unavailableDelay: schema.string(),
              cacheSyncTimeout: schema.string(),
            }),
            leaderElect: schema.object({
              leaseDuration: schema.string(),
              renewDeadline: schema.string(),
              retryPeriod: schema.string(),
              resourceLock: schema.stringEnum(Object.values(ResourceLock)),
            }),
            featureGates: schema.arrayOf(
              schema.object(
                {
                  name: schema.stringEnum(Object.values(FeatureGate)),
                  configuration: schema.stringEnum(toggles),
                },
                { required: ['name', 'configuration'] },
              ),
            ),
            clusterHealthCheck: schema.object({
              period: schema.string(),
              failureThreshold: schema.int64(),
              successThreshold: schema.int64(),
              timeout: schema.string(),
            }),
            syncController: schema.object({
              maxConcurrentReconciles: schema.int64(),
              adoptResources: schema.stringEnum(toggles),
            }),
            statusController: schema.object({ maxConcurrentReconciles: schema.int64() }),
          },
          {
            required: ['scope'],
            description: 'Durations are Go duration strings such as 20s or 1m0s.',
          },
        ),
      },
      { required: ['spec'], description: 'Configuration of the KubeFed controller-manager.' },
    ),
  });
}

function apiResourceSchema(description: string): JSONSchemaProps {
  return schema.object(
    {
      group: schema.string(),
      version: schema.string(),
      kind: schema.string(),
      pluralName: schema.string(),
      scope: schema.stringEnum(Object.values(ResourceScope)),
    },
    { required: ['kind', 'pluralName', 'scope', 'version'], description },
  );
}

export function federatedTypeConfigCRD(): CustomResourceDefinition {
  const controllerStatuses = Object.values(ControllerStatus);
  return schema.customResourceDefinition(federatedTypeConfigsResource, {
    statusSubresource: true,
    // The v0.10 chart has none (kubectl shows NAME and AGE); these let `kubectl get ftc` show
    // whether each type propagates and whether its controller runs. Presentation only.
    printerColumns: [
      { name: 'propagation', type: 'string', jsonPath: '.spec.propagation' },
      { name: 'controller', type: 'string', jsonPath: '.status.propagationController' },
      { name: 'age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    ],
    schema: schema.object(
      {
        spec: schema.object(
          {
            targetType: apiResourceSchema('The type propagated to member clusters.'),
            propagation: schema.stringEnum(toggles),
            federatedType: apiResourceSchema(
              'The Federated<Kind> type holding template, placement and overrides.',
            ),
            statusType: apiResourceSchema('Type holding collected status (legacy services only).'),
            statusCollection: schema.stringEnum(toggles),
          },
          { required: ['federatedType', 'propagation', 'targetType'] },
        ),
        status: schema.object(
          {
            observedGeneration: schema.int64(),
            propagationController: schema.stringEnum(controllerStatuses),
            statusController: schema.stringEnum(controllerStatuses),
          },
          { required: ['observedGeneration', 'propagationController'] },
        ),
      },
      {
        required: ['spec'],
        description: 'Federation of one target type; named after it: <plural> or <plural>.<group>.',
      },
    ),
  });
}

function propagatedVersionSchema(description: string): JSONSchemaProps {
  return schema.object(
    {
      status: schema.object(
        {
          templateVersion: schema.string('Hash of the federated template.'),
          overridesVersion: schema.string('Hash of the federated overrides.'),
          clusterVersions: schema.arrayOf(
            schema.object(
              { clusterName: schema.string(), version: schema.string('gen:<n> or rv:<v>.') },
              { required: ['clusterName', 'version'] },
            ),
          ),
        },
        { required: ['overridesVersion', 'templateVersion'] },
      ),
    },
    { description },
  );
}

export function propagatedVersionCRD(): CustomResourceDefinition {
  return schema.customResourceDefinition(propagatedVersionsResource, {
    statusSubresource: true,
    schema: propagatedVersionSchema(
      'Versions last propagated for a namespaced federated object; named <kind>-<name>.',
    ),
  });
}

export function clusterPropagatedVersionCRD(): CustomResourceDefinition {
  return schema.customResourceDefinition(clusterPropagatedVersionsResource, {
    statusSubresource: true,
    schema: propagatedVersionSchema(
      'Versions last propagated for a cluster-scoped federated object; named <kind>-<name>.',
    ),
  });
}

export function federatedServiceStatusCRD(): CustomResourceDefinition {
  return schema.customResourceDefinition(federatedServiceStatusesResource, {
    statusSubresource: false,
    schema: schema.object(
      {
        clusterStatus: schema.arrayOf(
          schema.object(
            {
              clusterName: schema.string(),
              status: schema.openObject('The member Service status, as the member reports it.'),
            },
            { required: ['clusterName', 'status'] },
          ),
        ),
      },
      { description: 'Service status collected from each member cluster.' },
    ),
  });
}
