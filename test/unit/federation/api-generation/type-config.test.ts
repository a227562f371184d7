// Generated FederatedTypeConfigs, the rules on which types may be federated together, and the
// EnableTypeDirective format.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { applyTypeConfigDefaults } from '../../../../src/apis/typeconfig.ts';
import type { FederatedTypeConfig } from '../../../../src/apis/types.ts';
import {
  ENABLE_TYPE_DIRECTIVES_DIR,
  renderDefaultTypeDirectiveFiles,
} from '../../../../src/federation/api-generation/type-config-defaults.ts';
import {
  directiveGroupVersion,
  enableTypeDirective,
  parseEnableTypeDirective,
} from '../../../../src/federation/api-generation/type-config-directive.ts';
import {
  containsFields,
  enableConflict,
  equivalentTypeConfigNames,
  federatedCRDName,
  generateTypeConfig,
  looksFederated,
  typeConfigUpToDate,
} from '../../../../src/federation/api-generation/type-config.ts';
import type { TargetAPIResource } from '../../../../src/federation/api-generation/type-config.ts';

const ns = 'kube-federation-system';

const target = (overrides: Partial<TargetAPIResource>): TargetAPIResource => ({
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  pluralName: 'deployments',
  singularName: 'deployment',
  scope: 'Namespaced',
  shortNames: ['deploy'],
  ...overrides,
});

describe('generateTypeConfig', () => {
  it('names the FTC <plural>.<group> and fills in the defaults of spec §2.3', () => {
    const ftc = generateTypeConfig(target({}), ns);
    assert.deepEqual(ftc, {
      apiVersion: 'core.kubefed.io/v1beta1',
      kind: 'FederatedTypeConfig',
      metadata: { name: 'deployments.apps', namespace: ns },
      spec: {
        targetType: {
          group: 'apps',
          version: 'v1',
          kind: 'Deployment',
          pluralName: 'deployments',
          scope: 'Namespaced',
        },
        propagation: 'Enabled',
        federatedType: {
          group: 'types.kubefed.io',
          version: 'v1beta1',
          kind: 'FederatedDeployment',
          pluralName: 'federateddeployments',
          scope: 'Namespaced',
        },
      },
    });
    // Nothing left for the controllers' defaulting to add.
    assert.deepEqual(applyTypeConfigDefaults(ftc), ftc);
  });

  it('names a core type by its plural alone, without a target group', () => {
    const ftc = generateTypeConfig(
      target({ group: '', kind: 'ConfigMap', pluralName: 'configmaps' }),
      ns,
    );
    assert.equal(ftc.metadata?.name, 'configmaps');
    assert.equal('group' in ftc.spec.targetType, false);
    assert.deepEqual(applyTypeConfigDefaults(ftc), ftc);
  });

  it('makes FederatedNamespace namespaced and keeps other cluster-scoped types cluster-scoped', () => {
    const namespaces = generateTypeConfig(
      target({ group: '', kind: 'Namespace', pluralName: 'namespaces', scope: 'Cluster' }),
      ns,
    );
    assert.equal(namespaces.spec.targetType.scope, 'Cluster');
    assert.equal(namespaces.spec.federatedType.scope, 'Namespaced');
    const clusterRoles = generateTypeConfig(
      target({
        group: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        pluralName: 'clusterroles',
        scope: 'Cluster',
      }),
      ns,
    );
    assert.equal(clusterRoles.spec.federatedType.scope, 'Cluster');
  });

  it('uses the requested federated group and version', () => {
    const ftc = generateTypeConfig(target({}), ns, {
      federatedGroup: 'fed.example.com',
      federatedVersion: 'v1alpha1',
    });
    assert.equal(ftc.spec.federatedType.group, 'fed.example.com');
    assert.equal(ftc.spec.federatedType.version, 'v1alpha1');
    assert.equal(federatedCRDName(ftc.spec.federatedType), 'federateddeployments.fed.example.com');
  });
});

describe('looksFederated', () => {
  it('recognises Federated<Kind> in types.kubefed.io, as KubeFed does', () => {
    assert.equal(looksFederated({ group: 'types.kubefed.io', kind: 'FederatedConfigMap' }), true);
    assert.equal(looksFederated({ group: '', kind: 'ConfigMap' }), false);
    assert.equal(looksFederated({ group: 'example.com', kind: 'FederatedThing' }), false);
  });
});

describe('which types may be federated together', () => {
  const deployments = generateTypeConfig(target({}), ns);
  const widgets = generateTypeConfig(
    target({ group: 'example.com', kind: 'Widget', pluralName: 'widgets', shortNames: [] }),
    ns,
  );
  /** As read back from the server: defaults not filled in, status set. */
  const stored = (ftc: FederatedTypeConfig): FederatedTypeConfig => {
    const copy = structuredClone(ftc);
    copy.spec.targetType.pluralName = '';
    delete copy.spec.targetType.group;
    copy.spec.federatedType.pluralName = '';
    copy.status = { observedGeneration: 1, propagationController: 'Running' };
    return copy;
  };

  it('knows the equivalent APIs of spec §13.4', () => {
    assert.deepEqual(equivalentTypeConfigNames('deployments.apps'), ['deployments.extensions']);
    assert.deepEqual(equivalentTypeConfigNames('ingresses.extensions'), [
      'ingresses.networking.k8s.io',
    ]);
    assert.deepEqual(equivalentTypeConfigNames('podsecuritypolicies.policy'), [
      'podsecuritypolicies.extensions',
    ]);
    assert.deepEqual(equivalentTypeConfigNames('statefulsets.apps'), []);
    assert.deepEqual(equivalentTypeConfigNames('deployments.example.com'), []);
    assert.deepEqual(equivalentTypeConfigNames('configmaps'), []);
    assert.deepEqual(equivalentTypeConfigNames('constructor.apps'), []);
  });

  it('allows enabling a type again with the same federated type, next to others', () => {
    assert.equal(enableConflict(deployments, [stored(deployments), stored(widgets)]), undefined);
    assert.equal(enableConflict(deployments, []), undefined);
  });

  it('refuses to move an enabled type to another federated group or version', () => {
    const moved = generateTypeConfig(target({}), ns, {
      federatedGroup: 'other.example.com',
      federatedVersion: 'v1beta1',
    });
    assert.equal(
      enableConflict(moved, [stored(deployments)]),
      'Federation is already enabled for "deployments.apps" with the federated type ' +
        '"federateddeployments.types.kubefed.io/v1beta1". Changing the federated type to ' +
        '"federateddeployments.other.example.com/v1beta1" is not supported; to move it, run ' +
        '"kubefedctl disable deployments.apps --delete-crd" first (federated objects of the old type must be deleted).',
    );
    const newVersion = generateTypeConfig(target({}), ns, {
      federatedGroup: 'types.kubefed.io',
      federatedVersion: 'v1',
    });
    assert.match(
      enableConflict(newVersion, [stored(deployments)]) ?? '',
      /Changing the federated type/,
    );
  });

  it('refuses an API equivalent to one already federated, naming it', () => {
    const extensions = generateTypeConfig(target({ group: 'extensions', version: 'v1beta1' }), ns);
    assert.equal(
      enableConflict(extensions, [stored(deployments)]),
      'Cannot enable federation of "deployments.extensions": the equivalent API "deployments.apps" is ' +
        'already federated by FederatedTypeConfig "kube-federation-system/deployments.apps", and only ' +
        'one of deployments.apps, deployments.extensions may be federated. Run "kubefedctl disable ' +
        'deployments.apps" first to switch.',
    );
  });

  it('refuses two targets sharing one federated CRD, suggesting --federated-group', () => {
    const otherWidgets = generateTypeConfig(
      target({ group: 'other.example.com', kind: 'Widget', pluralName: 'widgets', shortNames: [] }),
      ns,
    );
    assert.equal(
      enableConflict(otherWidgets, [stored(widgets)]),
      'Cannot enable federation of "widgets.other.example.com": its federated type ' +
        '"federatedwidgets.types.kubefed.io" is already used by FederatedTypeConfig ' +
        '"kube-federation-system/widgets.example.com" (target "widgets.example.com"). Use ' +
        '--federated-group to generate FederatedWidget in another API group.',
    );
    const elsewhere = generateTypeConfig(
      target({ group: 'other.example.com', kind: 'Widget', pluralName: 'widgets', shortNames: [] }),
      ns,
      { federatedGroup: 'other.types.kubefed.io', federatedVersion: 'v1beta1' },
    );
    assert.equal(enableConflict(elsewhere, [stored(widgets)]), undefined);
  });
});

describe('whether a write would change anything', () => {
  it('compares only the wanted fields, arrays element by element', () => {
    assert.equal(
      containsFields({ a: 1, b: { c: [1, { d: 2, e: 3 }] } }, { b: { c: [1, { d: 2 }] } }),
      true,
    );
    assert.equal(containsFields({ a: [1, 2] }, { a: [1] }), false);
    assert.equal(containsFields({ a: { b: 1 } }, { a: { b: 2 } }), false);
    assert.equal(containsFields({}, { a: undefined }), true);
    assert.equal(containsFields(undefined, {}), false);
  });

  it('sees an FTC that is up to date, or Disabled, or at another target version', () => {
    const ftc = generateTypeConfig(target({}), ns);
    const current = structuredClone(ftc);
    current.status = { observedGeneration: 1, propagationController: 'Running' };
    assert.equal(typeConfigUpToDate(current, ftc), true);
    current.spec.propagation = 'Disabled';
    assert.equal(typeConfigUpToDate(current, ftc), false);
    assert.equal(
      typeConfigUpToDate(ftc, generateTypeConfig(target({ version: 'v1beta2' }), ns)),
      false,
    );
  });
});

describe('EnableTypeDirective', () => {
  it('reads a directive and fills in the federated group and version', () => {
    const directive = parseEnableTypeDirective(
      [
        'apiVersion: core.kubefed.io/v1beta1',
        'kind: EnableTypeDirective',
        'metadata:',
        '  name: deployments.apps',
      ].join('\n'),
      'd.yaml',
    );
    assert.deepEqual(directive, enableTypeDirective('deployments.apps'));
    assert.deepEqual(directiveGroupVersion(directive), {
      federatedGroup: 'types.kubefed.io',
      federatedVersion: 'v1beta1',
    });
  });

  it('reads targetVersion, federatedGroup and federatedVersion', () => {
    const directive = parseEnableTypeDirective(
      JSON.stringify({
        apiVersion: 'core.kubefed.io/v1beta1',
        kind: 'EnableTypeDirective',
        metadata: { name: 'widgets.example.com' },
        spec: {
          targetVersion: 'v1',
          federatedGroup: 'fed.example.com',
          federatedVersion: 'v1alpha1',
        },
      }),
      'd.json',
    );
    assert.deepEqual(directive.spec, {
      targetVersion: 'v1',
      federatedGroup: 'fed.example.com',
      federatedVersion: 'v1alpha1',
    });
    assert.deepEqual(directiveGroupVersion(directive), {
      federatedGroup: 'fed.example.com',
      federatedVersion: 'v1alpha1',
    });
  });

  it('says what is wrong with a bad file, naming it', () => {
    const header = 'apiVersion: core.kubefed.io/v1beta1\nkind: EnableTypeDirective\n';
    const cases: [string, RegExp][] = [
      ['', /^d.yaml: no EnableTypeDirective in the file$/],
      [
        'kind: EnableTypeDirective\nmetadata: {name: x}',
        /^d.yaml: apiVersion must be "core.kubefed.io\/v1beta1", got null$/,
      ],
      [
        'apiVersion: core.kubefed.io/v1beta1\nkind: FederatedTypeConfig',
        /^d.yaml: kind must be "EnableTypeDirective"/,
      ],
      [header, /metadata.name must name the type/],
      [
        `${header}metadata: {name: x}\nspec: {targetVersion: 1}`,
        /spec.targetVersion must be a string/,
      ],
      [
        `${header}metadata: {name: x}\nspec: {federatedKind: y}`,
        /unknown field spec.federatedKind/,
      ],
      [
        `${header}metadata: {name: x}\n---\n${header}metadata: {name: y}`,
        /one EnableTypeDirective per file, found 2/,
      ],
      ['a: [', /invalid YAML/],
    ];
    for (const [text, expected] of cases) {
      assert.throws(() => parseEnableTypeDirective(text, 'd.yaml'), { message: expected }, text);
    }
  });

  it('config/enabletypedirectives/ holds one directive per default type, up to date', () => {
    const configDir = fileURLToPath(new URL('../../../../config', import.meta.url));
    const files = renderDefaultTypeDirectiveFiles();
    assert.equal(files.size, 10);
    const dir = join(configDir, ENABLE_TYPE_DIRECTIVES_DIR);
    const present = existsSync(dir)
      ? readdirSync(dir).map((f) => `${ENABLE_TYPE_DIRECTIVES_DIR}/${f}`)
      : [];
    assert.deepEqual(present.sort(), [...files.keys()].sort());
    for (const [path, content] of files) {
      assert.equal(
        readFileSync(join(configDir, path), 'utf8'),
        content,
        `config/${path} is out of date`,
      );
      const directive = parseEnableTypeDirective(content, path);
      assert.equal(`${ENABLE_TYPE_DIRECTIVES_DIR}/${directive.metadata.name}.yaml`, path);
    }
  });
});
