// Reading the FederatedTypeConfigs of the host.
import { federatedTypeConfigsResource } from '../apis/resources.ts';
import type { FederatedTypeConfig } from '../apis/types.ts';
import type { KubeClient } from '../kube/client.ts';
import { isNotFound } from '../kube/errors.ts';

/** Every FTC of the namespace (a namespaced control plane sees only its own). */
export async function listTypeConfigs(
  client: KubeClient,
  namespace: string,
  signal?: AbortSignal,
): Promise<FederatedTypeConfig[]> {
  try {
    const list = await client.list(federatedTypeConfigsResource, { namespace, signal });
    return list.items as FederatedTypeConfig[];
  } catch (err) {
    if (!isNotFound(err)) throw err;
    throw new Error(
      `the FederatedTypeConfig API is not installed in cluster ${client.cluster}: install KubeFed with "kubefedctl init"`,
      { cause: err },
    );
  }
}
