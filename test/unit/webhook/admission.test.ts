import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultKubeFedConfig } from '../../../src/apis/kubefedconfig.ts';
import { sampleObjects } from '../../../src/apis/samples.ts';
import { applyJsonPatch, type JsonPatchOperation } from '../../../src/json/json-patch.ts';
import type { JsonObject } from '../../../src/json/object.ts';
import {
  ADMISSION_PATHS,
  reviewAdmission,
  type AdmissionResponse,
} from '../../../src/webhook/admission.ts';

interface RequestFields {
  operation?: string;
  group?: string;
  resource: string;
  subResource?: string;
  object?: unknown;
  oldObject?: unknown;
}

function review(path: string, fields: RequestFields): AdmissionResponse {
  const body = JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: 'uid-1',
      kind: { group: 'core.kubefed.io', version: 'v1beta1', kind: 'X' },
      resource: {
        group: fields.group ?? 'core.kubefed.io',
        version: 'v1beta1',
        resource: fields.resource,
      },
      ...(fields.subResource !== undefined ? { subResource: fields.subResource } : {}),
      operation: fields.operation ?? 'CREATE',
      namespace: 'kube-federation-system',
      name: 'x',
      object: fields.object,
      ...(fields.oldObject !== undefined ? { oldObject: fields.oldObject } : {}),
    },
  });
  const { review: answer } = reviewAdmission(path, body);
  assert.equal(answer.apiVersion, 'admission.k8s.io/v1');
  assert.equal(answer.kind, 'AdmissionReview');
  assert.equal(answer.response.uid, 'uid-1');
  return answer.response;
}

const samples = sampleObjects('kube-federation-system');
const sample = (kind: string): JsonObject =>
  structuredClone(samples.find((o) => o.kind === kind)) as JsonObject;

const forbidden = (message: string): AdmissionResponse => ({
  uid: 'uid-1',
  allowed: false,
  status: { status: 'Failure', code: 403, reason: 'Forbidden', message },
});

describe('reviewAdmission', () => {
  it('allows valid objects on every validating path', () => {
    const config = defaultKubeFedConfig('kube-federation-system', 'Cluster');
    for (const [path, resource, object] of [
      [ADMISSION_PATHS.validateTypeConfigs, 'federatedtypeconfigs', sample('FederatedTypeConfig')],
      [ADMISSION_PATHS.validateClusters, 'kubefedclusters', sample('KubeFedCluster')],
      [ADMISSION_PATHS.validateConfigs, 'kubefedconfigs', config],
    ] as const) {
      assert.deepEqual(review(path, { resource, object }), { uid: 'uid-1', allowed: true }, path);
    }
  });

  it('refuses with 403 Forbidden and the field error', () => {
    const ftc = sample('FederatedTypeConfig');
    (ftc['metadata'] as JsonObject)['name'] = 'deployments';
    assert.deepEqual(
      review(ADMISSION_PATHS.validateTypeConfigs, {
        resource: 'federatedtypeconfigs',
        object: ftc,
      }),
      forbidden(
        `name: Invalid value: "deployments": name must be 'TARGET_PLURAL_NAME(.TARGET_GROUP_NAME)'`,
      ),
    );
  });

  it('aggregates several errors as apimachinery does: [a, b]', () => {
    const cluster = { ...sample('KubeFedCluster'), spec: {} };
    assert.deepEqual(
      review(ADMISSION_PATHS.validateClusters, { resource: 'kubefedclusters', object: cluster }),
      forbidden('[spec.apiEndpoint: Required value, spec.secretRef.name: Required value]'),
    );
  });

  it('checks only the status on a status subresource', () => {
    const cluster = {
      ...sample('KubeFedCluster'),
      spec: {},
      status: { conditions: [{ type: 'Ready', status: 'Maybe', lastProbeTime: 'now' }] },
    };
    assert.deepEqual(
      review(ADMISSION_PATHS.validateClusters, {
        resource: 'kubefedclusters',
        subResource: 'status',
        operation: 'UPDATE',
        object: cluster,
      }),
      forbidden(
        'status.conditions[0].status: Unsupported value: "Maybe": supported values: "True", "False", "Unknown"',
      ),
    );
    const ftc = { ...sample('FederatedTypeConfig'), status: { observedGeneration: 1 } };
    assert.deepEqual(
      review(ADMISSION_PATHS.validateTypeConfigs, {
        resource: 'federatedtypeconfigs',
        subResource: 'status',
        operation: 'UPDATE',
        object: ftc,
      }),
      forbidden('status.propagationController: Required value'),
    );
  });

  it('refuses a scope change on update, using the old object', () => {
    const old = defaultKubeFedConfig('kube-federation-system', 'Cluster');
    const changed = defaultKubeFedConfig('kube-federation-system', 'Namespaced');
    const path = ADMISSION_PATHS.validateConfigs;
    assert.deepEqual(
      review(path, {
        resource: 'kubefedconfigs',
        operation: 'UPDATE',
        object: changed,
        oldObject: old,
      }),
      forbidden('spec.scope: Invalid value: "Namespaced": field is immutable'),
    );
    // The same object on create has nothing to compare with.
    assert.equal(
      review(path, { resource: 'kubefedconfigs', object: changed, oldObject: old }).allowed,
      true,
    );
  });

  it('passes other operations, groups and resources without looking at them', () => {
    const path = ADMISSION_PATHS.validateClusters;
    const pass = { uid: 'uid-1', allowed: true };
    assert.deepEqual(
      review(path, { resource: 'kubefedclusters', operation: 'DELETE', object: 'junk' }),
      pass,
    );
    assert.deepEqual(review(path, { resource: 'kubefedclusters', operation: 'CONNECT' }), pass);
    assert.deepEqual(
      review(path, { resource: 'kubefedclusters', group: 'other.io', object: {} }),
      pass,
    );
    assert.deepEqual(review(path, { resource: 'kubefedconfigs', object: {} }), pass);
  });

  it('answers 400 BadRequest when the object is not one', () => {
    assert.deepEqual(
      review(ADMISSION_PATHS.validateConfigs, { resource: 'kubefedconfigs', object: [1, 2] }),
      {
        uid: 'uid-1',
        allowed: false,
        status: {
          status: 'Failure',
          code: 400,
          reason: 'BadRequest',
          message: 'the CREATE request has no kubefedconfigs object',
        },
      },
    );
  });

  it('answers 400 BadRequest when the body is no AdmissionReview', () => {
    for (const [body, message] of [
      ['{', /^the body is not JSON: /],
      [
        '{"apiVersion":"admission.k8s.io/v1beta1","request":{}}',
        /^expected an AdmissionReview of admission.k8s.io\/v1$/,
      ],
      ['{"apiVersion":"admission.k8s.io/v1"}', /^the AdmissionReview has no request with a uid$/],
      ['{"apiVersion":"admission.k8s.io/v1","request":{"uid":"u"}}', /no resource or operation/],
    ] as const) {
      const { review: answer, request } = reviewAdmission(ADMISSION_PATHS.validateConfigs, body);
      assert.equal(request, undefined);
      assert.equal(answer.response.allowed, false);
      assert.equal(answer.response.status?.code, 400);
      assert.equal(answer.response.status.reason, 'BadRequest');
      assert.match(answer.response.status.message, message);
    }
  });

  it('throws for a path it does not serve', () => {
    assert.throws(
      () => reviewAdmission('/validate-other', '{}'),
      /no admission webhook at \/validate-other/,
    );
  });
});

describe('the defaulting webhook', () => {
  const path = ADMISSION_PATHS.defaultConfigs;
  const patchOf = (response: AdmissionResponse): JsonPatchOperation[] =>
    JSON.parse(
      Buffer.from(response.patch ?? '', 'base64').toString('utf8'),
    ) as JsonPatchOperation[];
  /** `document` patched as the apiserver does. */
  const patched = (document: unknown, response: AdmissionResponse): JsonObject => {
    const result = applyJsonPatch(document, patchOf(response));
    assert.ok(result.ok, JSON.stringify(result));
    return result.document as JsonObject;
  };

  it('patches a bare config to the defaulted one, replacing the whole spec', () => {
    const bare = {
      apiVersion: 'core.kubefed.io/v1beta1',
      kind: 'KubeFedConfig',
      metadata: { name: 'kubefed', namespace: 'kube-federation-system' },
      spec: { scope: 'Namespaced' },
    };
    const response = review(path, { resource: 'kubefedconfigs', object: bare });
    assert.equal(response.allowed, true);
    assert.equal(response.patchType, 'JSONPatch');
    const expected = defaultKubeFedConfig('kube-federation-system', 'Namespaced');
    assert.deepEqual(patchOf(response), [{ op: 'replace', path: '/spec', value: expected.spec }]);
    assert.deepEqual(patched(bare, response), expected);
  });

  it('adds the spec of a config that has none', () => {
    const bare = { metadata: { name: 'kubefed' } };
    const response = review(path, { resource: 'kubefedconfigs', object: bare });
    assert.deepEqual(
      (patched(bare, response)['spec'] as JsonObject)['leaderElect'],
      defaultKubeFedConfig('x', 'Cluster').spec.leaderElect,
    );
  });

  it('keeps what is set, and sends no patch when nothing changes', () => {
    const config = defaultKubeFedConfig('kube-federation-system', 'Cluster');
    assert.deepEqual(review(path, { resource: 'kubefedconfigs', object: config }), {
      uid: 'uid-1',
      allowed: true,
    });
    const custom = structuredClone(config) as unknown as JsonObject;
    const spec = custom['spec'] as JsonObject;
    (spec['leaderElect'] as JsonObject)['leaseDuration'] = '30s';
    delete (spec['clusterHealthCheck'] as JsonObject)['timeout'];
    const response = review(path, { resource: 'kubefedconfigs', object: custom });
    const patchedSpec = patched(custom, response)['spec'] as JsonObject;
    assert.equal((patchedSpec['leaderElect'] as JsonObject)['leaseDuration'], '30s');
    assert.equal((patchedSpec['clusterHealthCheck'] as JsonObject)['timeout'], '3s');
  });

  it('passes deletes and other resources', () => {
    const bare = { spec: { scope: 'Cluster' } };
    assert.deepEqual(
      review(path, { resource: 'kubefedconfigs', operation: 'DELETE', object: bare }),
      {
        uid: 'uid-1',
        allowed: true,
      },
    );
    assert.deepEqual(review(path, { resource: 'kubefedclusters', object: bare }), {
      uid: 'uid-1',
      allowed: true,
    });
  });
});
