// Reading what `kubefedctl get TYPE [NAME]` shows about federated objects: the federated type
// (named by its target or by itself), the objects, their placement over the host's
// KubeFedClusters, and the member objects through each cluster's own credentials.
import { KUBEFED_CONFIG_NAME, ResourceScope } from '../../apis/constants.ts';
import { kubeFedClustersResource, kubeFedConfigsResource } from '../../apis/resources.ts';
import { NAMESPACES_TYPE_CONFIG, applyTypeConfigDefaults } from '../../apis/typeconfig.ts';
import type { FederatedTypeConfig, KubeFedCluster } from '../../apis/types.ts';
import { loadMemberConnection } from '../../multicluster/member-connection.ts';
import { computePlacement, placementCluster } from '../../federation/propagation/placement.ts';
import { looksFederated, typeConfigName } from '../../federation/api-generation/type-config.ts';
import { KubeClient } from '../../kube/client.ts';
import { ifFound, isNotFound, errorMessage } from '../../kube/errors.ts';
import { resourceRefOf } from '../../kube/resource.ts';
import type { ResourceRef } from '../../kube/resource.ts';
import { lookupAPIResource } from '../api-lookup.ts';
import { kubefedctlUserAgent } from '../host-client.ts';
import { listTypeConfigs } from '../type-configs.ts';
import { clusterStatuses } from './federated-table.ts';
import type { MemberObjectState } from './federated-table.ts';
import type { KubeObject } from '../../json/object.ts';

/** The federated type a `get` names, and its FederatedTypeConfig when there is one. */
export interface FederatedTypeView {
  ref: ResourceRef;
  kind: string;
  /** Absent when a federated type was named that no FTC of the KubeFed namespace configures. */
  typeConfig?: FederatedTypeConfig;
  /** All FTCs of the KubeFed namespace (defaulted), to find the namespace type's. */
  typeConfigs: FederatedTypeConfig[];
}

/**
 * TYPE may be the target (`configmaps`, `cm`) or the federated type (`federatedconfigmaps`,
 * `fcm`); either way the result is the federated type.
 */
export async function resolveFederatedTypeView(
  client: KubeClient,
  typeName: string,
  kubefedNamespace: string,
): Promise<FederatedTypeView> {
  const [typeConfigs, resource] = await Promise.all([
    listTypeConfigs(client, kubefedNamespace).then((list) => list.map(applyTypeConfigDefaults)),
    lookupAPIResource(client, typeName),
  ]);
  const asFederated = typeConfigs.find(
    (ftc) =>
      (ftc.spec.federatedType.group ?? '') === resource.group &&
      ftc.spec.federatedType.pluralName === resource.pluralName,
  );
  const asTarget = typeConfigs.find((ftc) => ftc.metadata?.name === typeConfigName(resource));
  const typeConfig = asFederated ?? asTarget;
  if (typeConfig !== undefined) {
    const federated = typeConfig.spec.federatedType;
    // FederatedNamespace is namespaced although its target is not (old FTCs may say Cluster).
    const namespaced =
      federated.scope === ResourceScope.Namespaced ||
      typeConfig.metadata?.name === NAMESPACES_TYPE_CONFIG;
    return {
      ref: resourceRefOf(federated, namespaced),
      kind: federated.kind,
      typeConfig,
      typeConfigs,
    };
  }
  if (looksFederated(resource)) {
    return {
      ref: resourceRefOf(resource, resource.scope === ResourceScope.Namespaced),
      kind: resource.kind,
      typeConfigs,
    };
  }
  const name = typeConfigName(resource);
  throw new Error(
    `federation is not enabled for "${name}": no FederatedTypeConfig in namespace ${kubefedNamespace}. ` +
      `Run 'kubefedctl enable ${name}'`,
  );
}

/** Placement and member objects of one federated object, per-cluster failures as data. */
export interface MemberView {
  placement: string[];
  members: Map<string, MemberObjectState>;
  /** Problems worth a warning: a bad placement, an unreachable cluster. */
  warnings: string[];
}

export async function readMemberView(
  host: KubeClient,
  view: FederatedTypeView,
  fed: KubeObject,
  kubefedNamespace: string,
  memberTimeoutMs = 5_000,
): Promise<MemberView> {
  const warnings: string[] = [];
  const clusters = (await host.list(kubeFedClustersResource, { namespace: kubefedNamespace }))
    .items as KubeFedCluster[];
  const typeConfig = view.typeConfig;
  const targetNamespaced =
    typeConfig !== undefined && typeConfig.spec.targetType.scope === ResourceScope.Namespaced;
  const namespace = fed.metadata?.namespace;
  const fedNamespace =
    targetNamespaced && namespace ? await federatedNamespace(host, view, namespace) : undefined;
  const placed = computePlacement(fed, clusters.map(placementCluster), fedNamespace, {
    targetNamespaced,
    limitedScope: await limitedScope(host, kubefedNamespace),
  });
  let placement: string[] = [];
  if (!placed.ok) warnings.push(`cannot compute the placement: ${placed.error}`);
  else {
    placement = placed.clusters;
    if (placed.namespaceNotFederated) {
      warnings.push(
        `namespace ${namespace ?? ''} is not federated (no FederatedNamespace), so the object is placed nowhere`,
      );
    }
  }

  const members = new Map<string, MemberObjectState>();
  if (typeConfig === undefined) return { placement, members, warnings };
  const targetType = typeConfig.spec.targetType;
  const target = resourceRefOf(targetType, targetType.scope === ResourceScope.Namespaced);
  const isNamespace = typeConfig.metadata?.name === NAMESPACES_TYPE_CONFIG;
  const name = fed.metadata?.name ?? '';
  const reported = new Set([...placement, ...clusterStatuses(fed).map((c) => c.name)]);
  const registered = new Set(clusters.map((c) => c.metadata?.name ?? ''));
  for (const name of [...reported].filter((n) => !registered.has(n)).sort()) {
    warnings.push(
      `cluster "${name}" is in the object's status but has no KubeFedCluster in namespace ${kubefedNamespace}`,
    );
  }
  await Promise.all(
    clusters
      .filter((cluster) => reported.has(cluster.metadata?.name ?? ''))
      .map(async (cluster) => {
        const clusterName = cluster.metadata?.name ?? '';
        const state = await readMemberObject(host, cluster, kubefedNamespace, target, {
          name,
          namespace: isNamespace || !target.namespaced ? undefined : namespace,
          timeoutMs: memberTimeoutMs,
        });
        if (state.state === 'unreadable') {
          warnings.push(`cannot read the object in cluster "${clusterName}": ${state.error}`);
        }
        members.set(clusterName, state);
      }),
  );
  return { placement, members, warnings };
}

async function readMemberObject(
  host: KubeClient,
  cluster: KubeFedCluster,
  kubefedNamespace: string,
  target: ResourceRef,
  object: { name: string; namespace: string | undefined; timeoutMs: number },
): Promise<MemberObjectState> {
  let member: KubeClient | undefined;
  try {
    member = await openMemberClient(host, cluster, kubefedNamespace, object.timeoutMs);
    const found = await member.get(target, object.name, { namespace: object.namespace });
    return { state: 'found', object: found };
  } catch (err) {
    if (isNotFound(err)) return { state: 'absent' };
    return { state: 'unreadable', error: errorMessage(err) };
  } finally {
    await member?.close();
  }
}

/**
 * A client for one member with the cluster's KubeFed credentials (its token Secret on the host),
 * as the controllers reach it; each call is bounded by `timeoutMs`. The caller closes it.
 */
export async function openMemberClient(
  host: KubeClient,
  cluster: KubeFedCluster,
  kubefedNamespace: string,
  timeoutMs: number,
): Promise<KubeClient> {
  const config = await loadMemberConnection(host, kubefedNamespace, cluster);
  return new KubeClient(config, {
    cluster: cluster.metadata?.name ?? '',
    userAgent: kubefedctlUserAgent(),
    timeoutMs,
  });
}

/** The FederatedNamespace of `namespace`, if the namespace type is enabled and it exists. */
export async function federatedNamespace(
  host: KubeClient,
  view: FederatedTypeView,
  namespace: string,
): Promise<KubeObject | undefined> {
  const ftc = view.typeConfigs.find((t) => t.metadata?.name === NAMESPACES_TYPE_CONFIG);
  if (ftc === undefined) return undefined;
  return ifFound(host.get(resourceRefOf(ftc.spec.federatedType, true), namespace, { namespace }));
}

/** KubeFedConfig `scope: Namespaced`; a missing config reads as a cluster-wide control plane. */
export async function limitedScope(host: KubeClient, kubefedNamespace: string): Promise<boolean> {
  try {
    const config = await host.get(kubeFedConfigsResource, KUBEFED_CONFIG_NAME, {
      namespace: kubefedNamespace,
    });
    const spec = config['spec'] as { scope?: unknown } | undefined;
    return spec?.scope === ResourceScope.Namespaced;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}
