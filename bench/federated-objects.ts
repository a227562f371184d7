// What the propagation benchmarks federate and how they tell it is done: FederatedConfigMaps of
// ~1 KiB placed on every member with an override for member1, their expected member content, and
// the status that says an object is propagated; plus kubefedctl for init and join.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { KubeObject } from '../src/json/object.ts';
import type { KubeClient } from '../src/kube/client.ts';
import { namespacesResource, type ResourceRef } from '../src/kube/resource.ts';

const execFileAsync = promisify(execFile);
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export const federatedConfigMaps: ResourceRef = {
  group: 'types.kubefed.io',
  version: 'v1beta1',
  resource: 'federatedconfigmaps',
  namespaced: true,
};
export const federatedNamespaces: ResourceRef = {
  ...federatedConfigMaps,
  resource: 'federatednamespaces',
};

/** The namespace and its FederatedNamespace, placed on every member. */
export async function createFederatedNamespace(
  host: KubeClient,
  namespace: string,
  members: readonly string[],
): Promise<void> {
  await host.create(namespacesResource, {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: namespace },
  });
  await host.create(
    federatedNamespaces,
    {
      apiVersion: 'types.kubefed.io/v1beta1',
      kind: 'FederatedNamespace',
      metadata: { name: namespace, namespace },
      spec: { placement: { clusters: members.map((name) => ({ name })) } },
    },
    { namespace },
  );
}

export function benchObjects(members: readonly string[], namespace: string) {
  /** ~1 KiB of data per object. */
  const templateData = (name: string, version: number): Record<string, string> => ({
    payload: `${name}:`.padEnd(1000, 'abcdefghijklmnopqrstuvwxyz'),
    version: String(version),
  });
  return {
    templateData,
    /** Per member, the `data` its ConfigMap `name` must hold at template `version`. */
    expectedData: (name: string, version: number): Map<string, Record<string, string>> => {
      const data = templateData(name, version);
      return new Map(members.map((m) => [m, m === 'member1' ? { ...data, where: 'm1' } : data]));
    },
    fedConfigMap: (name: string, version: number): KubeObject => {
      return {
        apiVersion: 'types.kubefed.io/v1beta1',
        kind: 'FederatedConfigMap',
        metadata: { name, namespace },
        spec: {
          template: { data: templateData(name, version) },
          placement: { clusters: members.map((name) => ({ name })) },
          overrides: [
            { clusterName: 'member1', clusterOverrides: [{ path: '/data/where', value: 'm1' }] },
          ],
        },
      };
    },
    /** The status says the current generation is propagated to every member. */
    propagated: (fed: KubeObject): boolean => {
      const status = fed['status'] as
        | {
            conditions?: { type: string; status: string }[];
            observedGeneration?: number;
            clusters?: unknown[];
          }
        | undefined;
      return (
        status?.observedGeneration === fed.metadata?.generation &&
        status?.conditions?.find((c) => c.type === 'Propagation')?.status === 'True' &&
        (status.clusters?.length ?? 0) === members.length
      );
    },
  };
}

/** Runs our kubefedctl; its stderr becomes the error. */
export async function kubefedctl(args: string[]): Promise<void> {
  try {
    await execFileAsync(process.execPath, [`${repoRoot}bin/kubefedctl.js`, ...args], {
      cwd: repoRoot,
      maxBuffer: 16 << 20,
    });
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`kubefedctl ${args.join(' ')}: ${e.stderr?.trim() || e.message}`, {
      cause: error,
    });
  }
}
