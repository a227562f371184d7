// Reading what `kubefedctl get rsp NAME` shows: the RSP's federated object, the KubeFedClusters,
// and in each member the workload and, where some replicas are not ready, its pods (with the
// cluster's KubeFed credentials, as the scheduler reads them). Per-cluster failures are data.
import { ResourceScope, Toggle } from '../../apis/constants.ts';
import { kubeFedClustersResource } from '../../apis/resources.ts';
import { applyTypeConfigDefaults } from '../../apis/typeconfig.ts';
import type { KubeFedCluster, ReplicaSchedulingPreference } from '../../apis/types.ts';
import { memberReplicaState } from '../../federation/scheduling/replica-state.ts';
import { SCHEDULED_TYPE_CONFIGS } from '../../federation/scheduling/schedule.ts';
import type { KubeClient } from '../../kube/client.ts';
import { errorMessage, ifFound, isNotFound } from '../../kube/errors.ts';
import { resourceRefOf, type ResourceRef } from '../../kube/resource.ts';
import { listTypeConfigs } from '../type-configs.ts';
import { federatedNamespace, limitedScope, openMemberClient } from './federated.ts';
import type { MemberWorkload, PreferenceTarget, PreferenceView } from './preference-table.ts';

const podsResource: ResourceRef = { group: '', version: 'v1', resource: 'pods', namespaced: true };

export interface PreferenceReading {
  view: PreferenceView;
  /** Problems worth a warning: a member that could not be read. */
  warnings: string[];
}

export async function readPreferenceView(
  host: KubeClient,
  rsp: ReplicaSchedulingPreference,
  kubefedNamespace: string,
  options: { thresholdMs: number; memberTimeoutMs?: number },
): Promise<PreferenceReading> {
  const [clusters, typeConfigs, scope] = await Promise.all([
    host
      .list(kubeFedClustersResource, { namespace: kubefedNamespace })
      .then((list) => list.items as KubeFedCluster[]),
    listTypeConfigs(host, kubefedNamespace).then((list) => list.map(applyTypeConfigDefaults)),
    limitedScope(host, kubefedNamespace),
  ]);
  const warnings: string[] = [];
  const view = (target: PreferenceTarget, members = new Map<string, MemberWorkload>()) => ({
    view: {
      rsp,
      target,
      clusters,
      limitedScope: scope,
      members,
      thresholdMs: options.thresholdMs,
    },
    warnings,
  });

  const kind = rsp.spec.targetKind;
  const ftcName = [...SCHEDULED_TYPE_CONFIGS].find(([, federated]) => federated === kind)?.[0];
  if (ftcName === undefined) {
    const kinds = [...SCHEDULED_TYPE_CONFIGS.values()].join(' or ');
    return view({ state: 'unscheduled', reason: `spec.targetKind must be ${kinds}` });
  }
  const typeConfig = typeConfigs.find((ftc) => ftc.metadata?.name === ftcName);
  if (typeConfig?.spec.propagation !== Toggle.Enabled) {
    return view({
      state: 'unscheduled',
      reason: `${kind} is not federated: run 'kubefedctl enable ${ftcName}'`,
    });
  }
  const name = rsp.metadata?.name ?? '';
  const namespace = rsp.metadata?.namespace ?? '';
  const federatedRef = resourceRefOf(typeConfig.spec.federatedType, true);
  const fed = await ifFound(host.get(federatedRef, name, { namespace }));
  if (fed === undefined) return view({ state: 'absent' });
  const fedNamespace = await federatedNamespace(
    host,
    { ref: federatedRef, kind, typeConfig, typeConfigs },
    namespace,
  );

  const targetType = typeConfig.spec.targetType;
  const target = resourceRefOf(targetType, targetType.scope === ResourceScope.Namespaced);
  const timeoutMs = options.memberTimeoutMs ?? 5_000;
  const members = new Map<string, MemberWorkload>();
  await Promise.all(
    clusters.map(async (cluster) => {
      const clusterName = cluster.metadata?.name ?? '';
      const member = await readMemberWorkload(host, cluster, kubefedNamespace, target, {
        name,
        namespace,
        timeoutMs,
      });
      if (member.state === 'unreadable') {
        warnings.push(`cannot read the workload in cluster "${clusterName}": ${member.error}`);
      }
      members.set(clusterName, member);
    }),
  );
  warnings.sort();
  return view({ state: 'found', object: fed, fedNamespace }, members);
}

/** The workload, and its pods when the scheduler would list them (some replicas not ready). */
async function readMemberWorkload(
  host: KubeClient,
  cluster: KubeFedCluster,
  kubefedNamespace: string,
  target: ResourceRef,
  object: { name: string; namespace: string; timeoutMs: number },
): Promise<MemberWorkload> {
  let member: KubeClient | undefined;
  try {
    member = await openMemberClient(host, cluster, kubefedNamespace, object.timeoutMs);
    const found = await member.get(target, object.name, { namespace: object.namespace });
    const state = memberReplicaState(found);
    if (state.kind !== 'podsNeeded') return { state: 'found', object: found };
    const pods = await member.list(podsResource, {
      namespace: object.namespace,
      labelSelector: state.podSelector,
    });
    return { state: 'found', object: found, pods: pods.items };
  } catch (err) {
    if (isNotFound(err)) return { state: 'absent' };
    return { state: 'unreadable', error: errorMessage(err) };
  } finally {
    await member?.close();
  }
}
