import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sampleObjects } from '../../../src/apis/samples.ts';
import {
  validateFederatedTypeConfig,
  validateFederatedTypeConfigStatus,
} from '../../../src/apis/typeconfig-validation.ts';
import {
  DEFAULT_FEDERATED_TYPES,
  generateDefaultFederatedType,
} from '../../../src/federation/api-generation/type-config-defaults.ts';
import type { JsonObject } from '../../../src/json/object.ts';

const NAME_MESSAGE = "name must be 'TARGET_PLURAL_NAME(.TARGET_GROUP_NAME)'";
const DNS1035 =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an " +
  "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or " +
  "'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

function deploymentsFtc(): JsonObject {
  const ftc = sampleObjects('kube-federation-system').find((o) => o.kind === 'FederatedTypeConfig');
  assert.ok(ftc);
  return structuredClone(ftc);
}

/** The sample FTC with `spec.<section>.<field>` set to `value` (undefined deletes it). */
function withSpec(section: string, field: string | undefined, value: unknown): JsonObject {
  const ftc = deploymentsFtc();
  const spec = ftc['spec'] as JsonObject;
  const target = field === undefined ? spec : (spec[section] as JsonObject);
  const key = field ?? section;
  if (value === undefined) Reflect.deleteProperty(target, key);
  else target[key] = value;
  return ftc;
}

describe('validateFederatedTypeConfig', () => {
  it('accepts the sample and every default federated type', () => {
    assert.deepEqual(validateFederatedTypeConfig(deploymentsFtc()), []);
    for (const type of DEFAULT_FEDERATED_TYPES) {
      const { typeConfig } = generateDefaultFederatedType(type, 'kube-federation-system');
      assert.deepEqual(validateFederatedTypeConfig(typeConfig), [], typeConfig.metadata?.name);
    }
  });

  it('wants the name to be the target plural, qualified by its group', () => {
    const ftc = deploymentsFtc();
    (ftc['metadata'] as JsonObject)['name'] = 'deployments';
    assert.deepEqual(validateFederatedTypeConfig(ftc), [
      `name: Invalid value: "deployments": ${NAME_MESSAGE}`,
    ]);
    // Core group: the plural alone.
    const core = withSpec('targetType', 'group', undefined);
    (core['metadata'] as JsonObject)['name'] = 'deployments';
    assert.deepEqual(validateFederatedTypeConfig(core), []);
  });

  it('does not default the target plural from the name (that is in memory, in controllers)', () => {
    assert.deepEqual(validateFederatedTypeConfig(withSpec('targetType', 'pluralName', undefined)), [
      `name: Invalid value: "deployments.apps": ${NAME_MESSAGE}`,
      'spec.targetType.pluralName: Required value',
    ]);
  });

  const cases: [string, JsonObject, string[]][] = [
    [
      'a target group that is no DNS subdomain',
      withSpec('targetType', 'group', 'Apps'),
      [
        `name: Invalid value: "deployments.apps": ${NAME_MESSAGE}`,
        'spec.targetType.group: Invalid value: "Apps": a lowercase RFC 1123 subdomain must consist of ' +
          "lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric " +
          "character (e.g. 'example.com', regex used for validation is " +
          "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      ],
    ],
    [
      'a missing version',
      withSpec('targetType', 'version', ''),
      ['spec.targetType.version: Required value'],
    ],
    [
      'a version that is no DNS-1035 label',
      withSpec('targetType', 'version', '1'),
      [`spec.targetType.version: Invalid value: "1": ${DNS1035}`],
    ],
    [
      'a kind whose lower case is no DNS-1035 label',
      withSpec('targetType', 'kind', 'Deploy_ment'),
      [`spec.targetType.kind: Invalid value: "Deploy_ment": ${DNS1035}`],
    ],
    [
      'a missing kind',
      withSpec('targetType', 'kind', undefined),
      ['spec.targetType.kind: Required value'],
    ],
    [
      'an unknown scope',
      withSpec('targetType', 'scope', 'Global'),
      [
        'spec.targetType.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"',
      ],
    ],
    [
      'a missing scope',
      withSpec('targetType', 'scope', ''),
      ['spec.targetType.scope: Required value'],
    ],
    [
      'an unknown propagation',
      withSpec('propagation', undefined, 'On'),
      ['spec.propagation: Unsupported value: "On": supported values: "Enabled", "Disabled"'],
    ],
    [
      'a federated type without a group',
      withSpec('federatedType', 'group', undefined),
      ['spec.federatedType.group: Required value'],
    ],
    [
      'a federated group without a dot',
      withSpec('federatedType', 'group', 'types'),
      [
        'spec.federatedType.group: Invalid value: "types": should be a domain with at least one dot',
      ],
    ],
    [
      'a federated plural that is too long',
      withSpec('federatedType', 'pluralName', 'a'.repeat(64)),
      [
        `spec.federatedType.pluralName: Invalid value: "${'a'.repeat(64)}": must be no more than 63 characters`,
      ],
    ],
    [
      'a status type checked like a federated type',
      withSpec('statusType', undefined, {
        group: 'status',
        version: 'v1',
        kind: 'Status',
        pluralName: 'statuses',
        scope: 'Namespaced',
      }),
      ['spec.statusType.group: Invalid value: "status": should be a domain with at least one dot'],
    ],
    [
      'an unknown status collection',
      withSpec('statusCollection', undefined, 'Maybe'),
      [
        'spec.statusCollection: Unsupported value: "Maybe": supported values: "Enabled", "Disabled"',
      ],
    ],
    ['a known status collection', withSpec('statusCollection', undefined, 'Enabled'), []],
  ];
  for (const [what, ftc, errors] of cases) {
    it(`refuses ${what}`, () => {
      assert.deepEqual(validateFederatedTypeConfig(ftc), errors);
    });
  }

  it('reads a missing spec as empty fields, each reported', () => {
    assert.deepEqual(validateFederatedTypeConfig({ metadata: { name: 'x' } }), [
      `name: Invalid value: "x": ${NAME_MESSAGE}`,
      'spec.targetType.version: Required value',
      'spec.targetType.kind: Required value',
      'spec.targetType.pluralName: Required value',
      'spec.targetType.scope: Required value',
      'spec.propagation: Required value',
      'spec.federatedType.group: Required value',
      'spec.federatedType.version: Required value',
      'spec.federatedType.kind: Required value',
      'spec.federatedType.pluralName: Required value',
      'spec.federatedType.scope: Required value',
    ]);
  });
});

describe('validateFederatedTypeConfigStatus', () => {
  const status = (value: JsonObject): JsonObject => ({ ...deploymentsFtc(), status: value });

  it('accepts a status the FTC controller writes, and ignores the spec', () => {
    const ftc = status({ observedGeneration: 2, propagationController: 'Running' });
    (ftc['metadata'] as JsonObject)['name'] = 'wrong';
    assert.deepEqual(validateFederatedTypeConfigStatus(ftc), []);
    assert.deepEqual(
      validateFederatedTypeConfigStatus(
        status({
          observedGeneration: 0,
          propagationController: 'NotRunning',
          statusController: 'Running',
        }),
      ),
      [],
    );
  });

  it('refuses a negative generation and unknown controller states', () => {
    assert.deepEqual(
      validateFederatedTypeConfigStatus(
        status({ observedGeneration: -1, propagationController: 'Up', statusController: 'Down' }),
      ),
      [
        'status.observedGeneration: Invalid value: -1: must be greater than or equal to 0',
        'status.propagationController: Unsupported value: "Up": supported values: "Running", "NotRunning"',
        'status.statusController: Unsupported value: "Down": supported values: "Running", "NotRunning"',
      ],
    );
  });

  it('wants the propagation controller state', () => {
    assert.deepEqual(validateFederatedTypeConfigStatus(status({})), [
      'status.propagationController: Required value',
    ]);
  });
});
