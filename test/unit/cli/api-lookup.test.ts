// API type lookup (spec §13.1), on discovery data.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  candidateResources,
  matchAPIResource,
  nameMatchesResource,
} from '../../../src/cli/api-lookup.ts';
import type { GroupVersionResources } from '../../../src/cli/api-lookup.ts';
import type { ApiGroup, ApiResource } from '../../../src/kube/discovery.ts';

function resource(
  group: string,
  version: string,
  name: string,
  kind: string,
  shortNames: string[] = [],
  namespaced = true,
): ApiResource {
  return {
    group,
    version,
    resource: name,
    namespaced,
    kind,
    singularName: kind.toLowerCase(),
    shortNames,
    verbs: ['get', 'list'],
    subresources: [],
  };
}

const groups: ApiGroup[] = [
  { name: '', versions: ['v1'], preferredVersion: 'v1' },
  { name: 'apps', versions: ['v1', 'v1beta1'], preferredVersion: 'v1' },
  { name: 'events.k8s.io', versions: ['v1'], preferredVersion: 'v1' },
  { name: 'example.com', versions: ['v2', 'v1'], preferredVersion: 'v1' },
  { name: 'other.example.com', versions: ['v1'], preferredVersion: 'v1' },
  { name: 'broken.example.com', versions: ['v1'], preferredVersion: 'v1' },
];

const lists: GroupVersionResources[] = [
  {
    group: '',
    version: 'v1',
    resources: [
      resource('', 'v1', 'configmaps', 'ConfigMap', ['cm']),
      resource('', 'v1', 'events', 'Event', ['ev']),
      resource('', 'v1', 'namespaces', 'Namespace', ['ns'], false),
    ],
  },
  {
    group: 'apps',
    version: 'v1',
    resources: [resource('apps', 'v1', 'deployments', 'Deployment', ['deploy'])],
  },
  {
    group: 'apps',
    version: 'v1beta1',
    resources: [
      resource('apps', 'v1beta1', 'deployments', 'Deployment', ['deploy']),
      resource('apps', 'v1beta1', 'oldthings', 'OldThing'),
    ],
  },
  {
    group: 'events.k8s.io',
    version: 'v1',
    resources: [resource('events.k8s.io', 'v1', 'events', 'Event', ['ev'])],
  },
  {
    group: 'example.com',
    version: 'v2',
    resources: [resource('example.com', 'v2', 'widgets', 'Widget', ['wd'])],
  },
  {
    group: 'example.com',
    version: 'v1',
    resources: [resource('example.com', 'v1', 'widgets', 'Widget', ['wd'])],
  },
  {
    group: 'other.example.com',
    version: 'v1',
    resources: [resource('other.example.com', 'v1', 'widgets', 'Widget')],
  },
  { group: 'broken.example.com', version: 'v1', error: 'service unavailable' },
];

describe('candidate resources', () => {
  it('takes each resource once, in the preferred version where served (ServerPreferredResources)', () => {
    const names = candidateResources(groups, lists).map(
      (r) => `${r.pluralName}.${r.group}/${r.version}`,
    );
    assert.deepEqual(names, [
      'configmaps./v1',
      'events./v1',
      'namespaces./v1',
      'deployments.apps/v1',
      'oldthings.apps/v1beta1',
      'events.events.k8s.io/v1',
      'widgets.example.com/v1',
      'widgets.other.example.com/v1',
    ]);
  });

  it('with a version, takes the resources of that version only', () => {
    const names = candidateResources(groups, lists, 'v1beta1').map(
      (r) => `${r.pluralName}.${r.group}`,
    );
    assert.deepEqual(names, ['deployments.apps', 'oldthings.apps']);
    const v2 = candidateResources(groups, lists, 'v2');
    assert.deepEqual(
      v2.map((r) => [r.pluralName, r.version]),
      [['widgets', 'v2']],
    );
  });

  it('describes a candidate as a target type', () => {
    const namespaces = candidateResources(groups, lists).find((r) => r.pluralName === 'namespaces');
    assert.deepEqual(namespaces, {
      group: '',
      version: 'v1',
      kind: 'Namespace',
      pluralName: 'namespaces',
      singularName: 'namespace',
      scope: 'Cluster',
      shortNames: ['ns'],
    });
  });
});

describe('matching a name', () => {
  const candidates = candidateResources(groups, lists);
  const find = (name: string, version?: string): string => {
    const found = matchAPIResource(name, candidateResources(groups, lists, version));
    return `${found.pluralName}.${found.group}/${found.version}`;
  };

  it('accepts plural, singular, kind, short name or <plural>.<group>, in any case', () => {
    const deployment = candidates.find((r) => r.pluralName === 'deployments');
    assert.ok(deployment);
    for (const name of ['deployments', 'deployment', 'Deployment', 'DEPLOY', 'deployments.apps']) {
      assert.equal(nameMatchesResource(name, deployment), true, name);
    }
    for (const name of ['deployments.extensions', 'deploys', 'apps']) {
      assert.equal(nameMatchesResource(name, deployment), false, name);
    }
    assert.equal(find('deploy'), 'deployments.apps/v1');
    assert.equal(find('deploy', 'v1beta1'), 'deployments.apps/v1beta1');
  });

  it('lets a core-group match win at once', () => {
    assert.equal(find('events'), 'events./v1');
    assert.equal(find('ev'), 'events./v1');
    assert.equal(find('events.events.k8s.io'), 'events.events.k8s.io/v1');
  });

  it('refuses an ambiguous name with KubeFed’s message', () => {
    assert.throws(() => matchAPIResource('widget', candidates), {
      name: 'APILookupError',
      message:
        'Multiple resources are matched by "widget": widgets.example.com, widgets.other.example.com. ' +
        'A group-qualified plural name must be provided.',
    });
    assert.equal(find('widgets.other.example.com'), 'widgets.other.example.com/v1');
    assert.equal(find('wd'), 'widgets.example.com/v1');
  });

  it('says when nothing matches, and which group-versions could not be read', () => {
    assert.throws(() => matchAPIResource('gadgets', candidates), {
      message: 'Unable to find api resource named "gadgets".',
    });
    assert.throws(() => matchAPIResource('deployments', candidateResources(groups, lists, 'v3')), {
      message: 'Unable to find api resource named "deployments".',
    });
    assert.throws(
      () => matchAPIResource('gadgets', candidates, ['broken.example.com/v1: service unavailable']),
      {
        message:
          'Unable to find api resource named "gadgets". (Discovery failed for broken.example.com/v1: service unavailable.)',
      },
    );
  });
});
