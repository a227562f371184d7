// How the control plane reaches a member: a KubeFedCluster and the token Secret it names
// (spec §4.4). The pure part maps them to a connection config; `loadMemberConnection` reads the
// Secret from the host.
import { CLUSTER_SECRET_TOKEN_KEY } from '../apis/constants.ts';
import type { KubeFedCluster } from '../apis/types.ts';
import type { KubeClient } from '../kube/client.ts';
import type { ClusterConnectionConfig } from '../kube/kubeconfig.ts';
import { secretsResource } from '../kube/resource.ts';

function memberConnectionConfig(cluster: KubeFedCluster, token: string): ClusterConnectionConfig {
  const { apiEndpoint, caBundle, proxyURL, disabledTLSValidations } = cluster.spec;
  if (!apiEndpoint) throw new Error('spec.apiEndpoint is empty');
  const config: ClusterConnectionConfig = { server: apiEndpoint, token };
  if (caBundle) config.caData = Buffer.from(caBundle, 'base64').toString('utf8');
  if (proxyURL) config.proxyUrl = proxyURL;
  if (disabledTLSValidations && disabledTLSValidations.length > 0) {
    config.disabledTLSValidations = [...disabledTLSValidations];
  }
  return config;
}

/** Reads the cluster's token Secret from the host; errors say what is wrong with the setup. */
export async function loadMemberConnection(
  host: KubeClient,
  namespace: string,
  cluster: KubeFedCluster,
): Promise<ClusterConnectionConfig> {
  const secretName = cluster.spec.secretRef.name;
  if (!secretName) throw new Error('spec.secretRef.name is empty');
  if (!cluster.spec.apiEndpoint) throw new Error('spec.apiEndpoint is empty');
  const secret = await host.get(secretsResource, secretName, { namespace });
  const data = (secret['data'] ?? {}) as Record<string, string | undefined>;
  const encoded = data[CLUSTER_SECRET_TOKEN_KEY];
  if (!encoded)
    throw new Error(`secret ${namespace}/${secretName} has no data.${CLUSTER_SECRET_TOKEN_KEY}`);
  return memberConnectionConfig(cluster, Buffer.from(encoded, 'base64').toString('utf8'));
}
