// What a federated object leaves behind in member clusters (issue 16, points 1 and 7): copies in
// the clusters of an older placement must go with the object, also when the placement changed
// and the object was deleted while no manager ran; and a cluster that is unjoined must leave the
// status of the objects placed there at once.
//
// The manager runs with KubeFed's default cluster delays (20 s available, 60 s unavailable): the
// unjoin test measures that the status does not wait for them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import {
  applyOnHost,
  clusterStatuses,
  createFederatedNamespace,
  deleteFederatedNamespace,
  eventually,
  getJson,
  joinClusters,
  kubectl,
  runCli,
  testSandbox,
  unjoinClusters,
} from './fixture.ts';
import { fastKubeFedConfigFile, startManager, type RunningManager } from './manager.ts';
import type { KubeObject } from '../../src/json/object.ts';

const sandbox = testSandbox();
const common = ['--kubeconfig', sandbox.kubeconfig, '--host-cluster-context', 'host'];
const members = ['member1', 'member2'];
/** A second registration of the host's apiserver, which is not joined under its own name here. */
const EXTRA = 'extra';
const ns = `cleanup-${Date.now().toString(36)}`;

const configMap = (context: string, name: string): Promise<KubeObject | undefined> =>
  getJson(sandbox, context, ['-n', ns, 'configmap', name]);
const federated = (name: string): Promise<KubeObject | undefined> =>
  getJson(sandbox, 'host', ['-n', ns, 'federatedconfigmap', name]);

function fedConfigMap(name: string, placed: readonly string[]): KubeObject {
  return {
    apiVersion: 'types.kubefed.io/v1beta1',
    kind: 'FederatedConfigMap',
    metadata: { name, namespace: ns },
    spec: {
      template: { data: { name } },
      placement: { clusters: placed.map((c) => ({ name: c })) },
    },
  };
}

async function place(names: readonly string[], placed: readonly string[]): Promise<void> {
  const patch = JSON.stringify({
    spec: { placement: { clusters: placed.map((name) => ({ name })) } },
  });
  for (const name of names) {
    await kubectl(sandbox, [
      '--context',
      'host',
      '-n',
      ns,
      'patch',
      'federatedconfigmap',
      name,
      '--type',
      'merge',
      '-p',
      patch,
    ]);
  }
}

async function deleteFederated(names: readonly string[]): Promise<void> {
  await kubectl(sandbox, [
    '--context',
    'host',
    '-n',
    ns,
    'delete',
    'federatedconfigmap',
    ...names,
    '--wait=false',
  ]);
}

/** A ValidatingAdmissionPolicy and its binding that refuse to delete ConfigMap `name` of `ns`. */
function holdDeletion(context: string, name: string): KubeObject {
  const policyName = `${ns}-hold-${name}`;
  return {
    apiVersion: 'v1',
    kind: 'List',
    items: [
      {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicy',
        metadata: { name: policyName },
        spec: {
          failurePolicy: 'Fail',
          matchConstraints: {
            resourceRules: [
              {
                apiGroups: [''],
                apiVersions: ['v1'],
                operations: ['DELETE'],
                resources: ['configmaps'],
              },
            ],
          },
          validations: [
            {
              expression: `oldObject.metadata.name != '${name}'`,
              message: `held by the test in ${context}`,
            },
          ],
        },
      },
      {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicyBinding',
        metadata: { name: policyName },
        spec: {
          policyName,
          validationActions: ['Deny'],
          matchResources: {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } },
          },
        },
      },
    ],
  };
}

function propagated(fed: KubeObject | undefined): boolean {
  const status = fed?.['status'] as
    { conditions?: { type: string; status: string }[]; observedGeneration?: number } | undefined;
  return (
    status?.observedGeneration === fed?.metadata?.generation &&
    status?.conditions?.find((c) => c.type === 'Propagation')?.status === 'True'
  );
}

/** Waits until `name` is propagated to exactly `placed`. */
async function waitPropagated(name: string, placed: readonly string[]): Promise<void> {
  await eventually(async () => {
    const fed = await federated(name);
    const statuses = clusterStatuses(fed);
    return propagated(fed) && Object.keys(statuses).sort().join() === [...placed].sort().join()
      ? true
      : undefined;
  });
}

/** Waits until the federated object is gone, then says which clusters still hold a copy. */
async function copiesAfterDeletion(name: string, contexts: readonly string[]): Promise<string[]> {
  await eventually(async () => ((await federated(name)) === undefined ? true : undefined));
  const left: string[] = [];
  for (const context of contexts) {
    const copy = await configMap(context, name);
    if (copy !== undefined && copy.metadata?.deletionTimestamp === undefined) {
      left.push(`${context} (labels ${JSON.stringify(copy.metadata?.labels ?? {})})`);
    }
  }
  return left;
}

describe(
  'member objects left by older placements and removed clusters',
  { timeout: 10 * 60_000 },
  () => {
    let manager: RunningManager;
    let configFile: string;
    const start = async (): Promise<void> => {
      manager = await startManager(sandbox, ['--kubefed-config', configFile, '--v', '2']);
      await manager.waitForLog('promoted as leader', 60_000);
    };

    before(async () => {
      const init = await runCli('kubefedctl', ['init', ...common]);
      assert.equal(init.code, 0, init.stderr);
      await joinClusters(sandbox, members);
      const extra = await runCli('kubefedctl', [
        'join',
        EXTRA,
        '--cluster-context',
        'host',
        '--error-on-existing=false',
        ...common,
      ]);
      assert.equal(extra.code, 0, extra.stderr);
      configFile = await fastKubeFedConfigFile();
      await start();
      await createFederatedNamespace(sandbox, ns);
      for (const context of members) {
        await eventually(() => getJson(sandbox, context, ['namespace', ns]));
      }
    });

    after(async () => {
      try {
        await deleteFederatedNamespace(sandbox, ns);
      } finally {
        await manager.stop();
        await unjoinClusters(sandbox, members);
        await runCli('kubefedctl', ['unjoin', EXTRA, '--cluster-context', 'host', ...common]);
      }
    });

    it('a restarted manager removes the copies an older placement left, also of a deleted object', async () => {
      await applyOnHost(sandbox, [
        fedConfigMap('shrunk', members),
        fedConfigMap('shrunk-deleted', members),
      ]);
      await waitPropagated('shrunk', members);
      await waitPropagated('shrunk-deleted', members);

      await manager.stop();
      await place(['shrunk', 'shrunk-deleted'], ['member1']);
      await deleteFederated(['shrunk-deleted']);
      await start();

      assert.deepEqual(await copiesAfterDeletion('shrunk-deleted', members), []);
      // The ordinary pass removes the copy the older placement left.
      await eventually(async () =>
        (await configMap('member2', 'shrunk')) === undefined ? true : undefined,
      );
      assert.ok(await configMap('member1', 'shrunk'));
    });

    it('a copy whose removal failed after the placement shrank goes with the deleted object', async () => {
      // member2 refuses to delete the copy for a while (an admission policy), so the pass that
      // saw the shrunk placement could not remove it; the object is deleted meanwhile.
      await applyOnHost(sandbox, [fedConfigMap('held', members)]);
      await waitPropagated('held', members);
      const hold = holdDeletion('member2', 'held');
      await kubectl(sandbox, ['--context', 'member2', 'apply', '-f', '-'], stringify(hold));
      try {
        await eventually(async () => {
          try {
            await kubectl(sandbox, [
              ...['--context', 'member2', '-n', ns, 'delete', 'configmap', 'held'],
              '--dry-run=server',
            ]);
            return undefined;
          } catch {
            return true; // refused: the policy is in force
          }
        });
        await place(['held'], ['member1']);
        await eventually(async () =>
          clusterStatuses(await federated('held'))['member2'] === 'DeletionFailed'
            ? true
            : undefined,
        );
        await deleteFederated(['held']);
        // The deletion waits for member2 instead of leaving its copy behind.
        const fed = await eventually(async () => {
          const obj = await federated('held');
          return obj?.metadata?.deletionTimestamp === undefined ? undefined : obj;
        });
        assert.ok(fed.metadata?.finalizers?.includes('kubefed.io/sync-controller'));
      } finally {
        await kubectl(
          sandbox,
          ['--context', 'member2', 'delete', '-f', '-', '--ignore-not-found'],
          stringify(hold),
        );
      }
      assert.deepEqual(await copiesAfterDeletion('held', members), []);
    });

    it('an unjoined cluster leaves the status of the objects placed there within seconds', async (t) => {
      await applyOnHost(sandbox, [fedConfigMap('on-extra', ['member1', EXTRA])]);
      await waitPropagated('on-extra', ['member1', EXTRA]);

      const unjoin = await runCli('kubefedctl', [
        'unjoin',
        EXTRA,
        '--cluster-context',
        'host',
        ...common,
      ]);
      assert.equal(unjoin.code, 0, unjoin.stderr);
      const started = Date.now();
      // KubeFed's unavailable delay is 60 s: the status must not wait for it.
      const fed = await eventually(async () => {
        const obj = await federated('on-extra');
        return EXTRA in clusterStatuses(obj) ? undefined : obj;
      }, 5_000);
      t.diagnostic(
        `"${EXTRA}" left the status ${String(Date.now() - started)} ms after the unjoin`,
      );
      assert.deepEqual(clusterStatuses(fed), { member1: '' });
      assert.ok(propagated(fed));
    });
  },
);
