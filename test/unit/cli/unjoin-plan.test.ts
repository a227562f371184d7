import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { memberObjects, planJoin } from '../../../src/cli/join/plan.ts';
import { describeObject } from '../../../src/cli/names.ts';
import {
  decideMemberNamespace,
  remainingRegistrations,
  sameEndpoint,
  unjoinMemberObjects,
} from '../../../src/cli/unjoin/plan.ts';
import type { MemberNamespaceFacts } from '../../../src/cli/unjoin/plan.ts';

const ns = 'kube-federation-system';

describe('unjoin plan', () => {
  it('deletes bindings, roles, the service account and its token Secret of both scopes', () => {
    assert.deepEqual(
      unjoinMemberObjects('member1', 'host', ns).map((p) => describeObject(p.object)),
      [
        'ClusterRoleBinding kubefed-controller-manager:member1-host',
        'ClusterRoleBinding kubefed-controller-manager:kube-federation-system:healthcheck-member1-host',
        'ClusterRole kubefed-controller-manager:member1-host',
        'ClusterRole kubefed-controller-manager:kube-federation-system:healthcheck-member1-host',
        'RoleBinding kube-federation-system/kubefed-controller-manager:member1-host',
        'Role kube-federation-system/kubefed-controller-manager:member1-host',
        'ServiceAccount kube-federation-system/member1-host',
        'Secret kube-federation-system/member1-host',
      ],
    );
  });

  it('covers every object join creates except the namespace, in either scope', () => {
    const toDelete = new Set(
      unjoinMemberObjects('m', 'h', 'team-a').map(
        (p) => `${p.ref.resource} ${describeObject(p.object)}`,
      ),
    );
    for (const scope of ['Cluster', 'Namespaced'] as const) {
      for (const rbac of ['cluster-admin', 'least-privilege'] as const) {
        const plan = planJoin({
          clusterName: 'm',
          hostClusterName: 'h',
          namespace: 'team-a',
          scope,
          rbac,
        });
        for (const planned of memberObjects(plan).slice(1)) {
          const key = `${planned.ref.resource} ${describeObject(planned.object)}`;
          assert.ok(toDelete.has(key), `${scope}/${rbac}: ${key}`);
        }
      }
    }
  });

  it('finds the bindings of other registrations that use the namespace', () => {
    const binding = (kind: string, name: string, subjectNamespace: string) => ({
      kind,
      metadata: { name },
      subjects: [{ kind: 'ServiceAccount', name: 'sa', namespace: subjectNamespace }],
    });
    assert.deepEqual(
      remainingRegistrations(
        [
          binding('ClusterRoleBinding', 'kubefed-controller-manager:member1-other-host', ns),
          binding('RoleBinding', 'kubefed-controller-manager:member1-b', ns),
          binding('ClusterRoleBinding', 'kubefed-controller-manager:x-elsewhere', 'team-b'),
          binding('ClusterRoleBinding', 'cluster-admin', ns),
          {
            kind: 'ClusterRoleBinding',
            metadata: { name: 'kubefed-controller-manager:nosubjects' },
          },
          {
            kind: 'ClusterRoleBinding',
            metadata: { name: 'kubefed-controller-manager:user' },
            subjects: [{ kind: 'User', name: 'bob', namespace: ns }],
          },
        ],
        ns,
      ),
      [
        'ClusterRoleBinding kubefed-controller-manager:member1-other-host',
        'RoleBinding kubefed-controller-manager:member1-b',
      ],
    );
  });

  it('compares endpoints like the client does', () => {
    assert.ok(sameEndpoint('https://127.0.0.1:6443', 'https://127.0.0.1:6443/'));
    assert.ok(sameEndpoint('127.0.0.1:6443', 'https://127.0.0.1:6443'));
    assert.ok(sameEndpoint('https://API.example.com', 'https://api.example.com:443'));
    assert.ok(!sameEndpoint('https://127.0.0.1:6443', 'https://127.0.0.1:6444'));
    assert.ok(!sameEndpoint('http://a', 'https://a'));
    assert.ok(sameEndpoint('ftp://odd', 'ftp://odd'), 'unparseable: compared as text');
  });
});

describe('whether unjoin deletes the member namespace', () => {
  const base: MemberNamespaceFacts = {
    namespace: ns,
    memberNamespace: { metadata: { name: ns, uid: 'member-uid' } },
    hostNamespace: { metadata: { name: ns, uid: 'host-uid' } },
    registered: true,
    foundRegistrationObjects: true,
    otherRegistrations: [],
    memberHasKubeFedConfig: false,
  };

  it('deletes it after a normal registration', () => {
    assert.deepEqual(decideMemberNamespace(base), { delete: true });
    assert.deepEqual(decideMemberNamespace({ ...base, foundRegistrationObjects: false }), {
      delete: true,
    });
    assert.deepEqual(decideMemberNamespace({ ...base, registered: false }), { delete: true });
  });

  it("keeps the host's own namespace (the host joined to itself)", () => {
    assert.deepEqual(
      decideMemberNamespace({ ...base, hostNamespace: { metadata: { uid: 'member-uid' } } }),
      { delete: false, reason: "it is the host's own namespace kube-federation-system" },
    );
  });

  it('keeps it while it is used by another registration or a control plane', () => {
    assert.deepEqual(
      decideMemberNamespace({
        ...base,
        otherRegistrations: ['ClusterRoleBinding kubefed-controller-manager:m-b'],
      }),
      {
        delete: false,
        reason:
          'other registrations still use it (ClusterRoleBinding kubefed-controller-manager:m-b)',
      },
    );
    assert.deepEqual(decideMemberNamespace({ ...base, memberHasKubeFedConfig: true }), {
      delete: false,
      reason: 'a KubeFed control plane of its own runs there',
    });
  });

  it('keeps it when nothing shows the cluster was joined (a mistyped name)', () => {
    assert.deepEqual(
      decideMemberNamespace({ ...base, registered: false, foundRegistrationObjects: false }),
      { delete: false, reason: 'nothing shows this cluster was joined' },
    );
  });

  it('has nothing to do for a missing or terminating namespace', () => {
    assert.deepEqual(decideMemberNamespace({ ...base, memberNamespace: undefined }), {
      delete: false,
      reason: 'it does not exist',
    });
    assert.deepEqual(
      decideMemberNamespace({
        ...base,
        memberNamespace: { metadata: { uid: 'member-uid' }, status: { phase: 'Terminating' } },
      }),
      { delete: false, reason: 'it is already being deleted' },
    );
  });

  it('does not take two namespaces without UIDs for the same', () => {
    assert.deepEqual(
      decideMemberNamespace({
        ...base,
        memberNamespace: { metadata: { name: ns } },
        hostNamespace: { metadata: { name: ns } },
      }),
      { delete: true },
    );
  });
});
