// What `kubefedctl join` creates (spec §13.2): objects and RBAC rules, and what to do with those
// found already there. Pure: no client, so every rule is unit-tested without a cluster.
import {
  CLUSTER_SECRET_TOKEN_KEY,
  CORE_V1BETA1,
  ResourceScope,
  TLSValidation,
  groupQualifiedName,
} from '../../apis/constants.ts';
import type { KubeFedCluster } from '../../apis/types.ts';
import {
  clusterRoleBindingsResource,
  clusterRolesResource,
  formatApiVersion,
  namespacesResource,
  roleBindingsResource,
  rolesResource,
  secretsResource,
  serviceAccountsResource,
} from '../../kube/resource.ts';
import { SCHEDULED_TYPE_CONFIGS } from '../../federation/scheduling/schedule.ts';
import { jsonEqual } from '../../json/json-patch.ts';
import { isJsonObject, type KubeObject } from '../../json/object.ts';
import { isDns1123Subdomain } from '../names.ts';
import { healthCheckRoleName, roleName, serviceAccountName } from '../registration.ts';
import type { PlannedObject } from '../registration.ts';

const RBAC_GROUP = rolesResource.group;
const RBAC_V1 = formatApiVersion(rolesResource);

// --- Names -------------------------------------------------------------------------------------

/** The prefix of the generated host Secret name (`<cluster>-xxxxx`). */
function hostSecretGenerateName(clusterName: string): string {
  return `${clusterName}-`;
}

/** Checks the names join derives before anything is sent, so a bad name fails with advice. */
export function validateJoinNames(clusterName: string, hostClusterName: string): void {
  if (!isDns1123Subdomain(clusterName)) {
    throw new Error(
      `invalid cluster name "${clusterName}": a KubeFedCluster name is lower-case letters, digits, ` +
        "'-' and '.', starting and ending with a letter or digit",
    );
  }
  const sa = serviceAccountName(clusterName, hostClusterName);
  if (!isDns1123Subdomain(sa)) {
    throw new Error(
      `the member service account name "${sa}" (<cluster>-<host cluster name>) is not a valid ` +
        `Kubernetes name; pass --host-cluster-name with a lower-case name for the host`,
    );
  }
}

// --- RBAC --------------------------------------------------------------------------------------

/** rbac/v1 PolicyRule, keys in Go's serialisation order. */
export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  nonResourceURLs?: string[];
}

export type RbacMode = 'cluster-admin' | 'least-privilege';

export const RBAC_MODES: readonly RbacMode[] = ['cluster-admin', 'least-privilege'];

export function parseRbacMode(value: string): RbacMode {
  const mode = RBAC_MODES.find((m) => m === value);
  if (!mode) throw new Error(`invalid --rbac "${value}": use ${RBAC_MODES.join(' or ')}`);
  return mode;
}

/** Scope Cluster, as shipped: everything, and GET on every non-resource URL. */
export function clusterAdminRules(): PolicyRule[] {
  return [
    { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
    { verbs: ['get'], nonResourceURLs: ['*'] },
  ];
}

/** Scope Namespaced, as shipped: everything inside KFNS (the Role). */
function namespaceAdminRules(): PolicyRule[] {
  return [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }];
}

/**
 * Scope Namespaced, as shipped: the health-check ClusterRole. The capital `Get` is KubeFed's (it
 * grants nothing: RBAC verbs are case-sensitive; `/healthz` is readable through the default
 * `system:public-info-viewer` role).
 */
function shippedHealthCheckRules(): PolicyRule[] {
  return [
    { verbs: ['Get'], nonResourceURLs: ['/healthz'] },
    { verbs: ['list'], apiGroups: [''], resources: ['nodes'] },
  ];
}

/** What the health checker reads: the probe and version URLs, and the node list. */
function healthCheckRules(): PolicyRule[] {
  return [
    { verbs: ['get'], nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version'] },
    { verbs: ['list'], apiGroups: [''], resources: ['nodes'] },
  ];
}

/** A federated target type, as a FederatedTypeConfig's `spec.targetType` names it. */
export interface TargetType {
  /** `''` for the core group. */
  group: string;
  pluralName: string;
  scope: ResourceScope;
}

/** The target types of the FederatedTypeConfigs found on the host; malformed ones are skipped. */
export function targetTypesOf(typeConfigs: readonly KubeObject[]): TargetType[] {
  const types: TargetType[] = [];
  for (const ftc of typeConfigs) {
    const spec = ftc['spec'];
    const target = isJsonObject(spec) ? spec['targetType'] : undefined;
    if (!isJsonObject(target)) continue;
    const { group, pluralName, scope } = target;
    if (typeof pluralName !== 'string' || pluralName === '') continue;
    types.push({
      group: typeof group === 'string' ? group : '',
      pluralName,
      scope: scope === ResourceScope.Cluster ? ResourceScope.Cluster : ResourceScope.Namespaced,
    });
  }
  return types;
}

/**
 * The verbs the controller manager uses on a member object: the sync controller's informers and
 * writes (the patch removes the managed label), status collection's reads. Never `*`: on
 * clusterroles and roles it includes `escalate` and `bind`, on serviceaccounts `impersonate`.
 */
const PROPAGATION_VERBS: readonly string[] = [
  'get',
  'list',
  'watch',
  'create',
  'update',
  'patch',
  'delete',
];

export interface LeastPrivilegeRules {
  /** The rules of the ClusterRole (Cluster scope) or the Role in KFNS (Namespaced scope). */
  rules: PolicyRule[];
  /** Target types a Namespaced control plane never propagates, so not granted (`plural.group`). */
  skipped: string[];
  /** Federated RBAC types (`plural.group`) left out: writing them would let the account escalate. */
  withheldRbac: string[];
  /** Whether Secrets are granted in every namespace (FederatedSecret with a Cluster control plane). */
  secretsInEveryNamespace: boolean;
}

/**
 * Only what the controller manager does in a member: the propagation verbs on every federated
 * target type but the RBAC ones (and on namespaces, which the sync controller creates first);
 * read access to pods when Deployments or ReplicaSets are federated (the RSP pod analyzer lists
 * them), and to EndpointSlices when Services are (the ServiceDNS controller reads them). Secrets are granted only when they are a federated type. In Cluster scope the
 * health-check rules are part of the same ClusterRole; in Namespaced scope they are a ClusterRole
 * of their own (see `planJoin`) and cluster-scoped target types are skipped, as the control plane
 * skips them.
 */
const DISCOVERY_GROUP = 'discovery.k8s.io';

export function leastPrivilegeRules(
  targetTypes: readonly TargetType[],
  scope: ResourceScope,
): LeastPrivilegeRules {
  const byGroup = new Map<string, Set<string>>([['', new Set(['namespaces'])]]);
  const skipped = new Set<string>();
  const withheldRbac = new Set<string>();
  let readsPods = false;
  for (const type of targetTypes) {
    const qualified = groupQualifiedName(type);
    if (scope === ResourceScope.Namespaced && type.scope === ResourceScope.Cluster) {
      if (qualified !== 'namespaces') skipped.add(qualified);
      continue;
    }
    // Writing RBAC objects is granting: without `escalate` and `bind` the apiserver refuses only
    // rules beyond the writer's own, yet the account could still rewrite the role join gave it
    // (or anyone's) and bind what it holds to others; and a FederatedClusterRole carrying more
    // than the account holds could not propagate without `escalate` anyway.
    if (type.group === RBAC_GROUP) {
      withheldRbac.add(qualified);
      continue;
    }
    // The RSP controller lists the member pods of the types it schedules (spec §9.1).
    if (SCHEDULED_TYPE_CONFIGS.has(qualified)) readsPods = true;
    const resources = byGroup.get(type.group) ?? new Set<string>();
    resources.add(type.pluralName);
    byGroup.set(type.group, resources);
  }
  const groups = [...byGroup.keys()].sort();
  const rules: PolicyRule[] = groups.map((group) => ({
    verbs: [...PROPAGATION_VERBS],
    apiGroups: [group],
    resources: [...(byGroup.get(group) ?? [])].sort(),
  }));
  const core = byGroup.get('') ?? new Set<string>();
  if (readsPods && !core.has('pods')) {
    rules.push({ verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods'] });
  }
  // The ServiceDNS controller reads the federated Services' EndpointSlices (ready endpoints).
  if (core.has('services') && !byGroup.get(DISCOVERY_GROUP)?.has('endpointslices')) {
    rules.push({
      verbs: ['get', 'list', 'watch'],
      apiGroups: [DISCOVERY_GROUP],
      resources: ['endpointslices'],
    });
  }
  if (scope === ResourceScope.Cluster) {
    const [urls, nodes] = healthCheckRules();
    if (urls) rules.push(urls);
    if (nodes && !core.has('nodes')) rules.push(nodes);
  }
  return {
    rules,
    skipped: [...skipped].sort(),
    withheldRbac: [...withheldRbac].sort(),
    secretsInEveryNamespace: scope === ResourceScope.Cluster && core.has('secrets'),
  };
}

// --- Member objects ----------------------------------------------------------------------------

export interface JoinPlanInput {
  clusterName: string;
  hostClusterName: string;
  /** KFNS, on both sides. */
  namespace: string;
  /** The control plane's scope, from the host's KubeFedConfig. */
  scope: ResourceScope;
  rbac: RbacMode;
  /** Federated target types on the host; only read for `least-privilege`. */
  targetTypes?: readonly TargetType[];
}

export interface JoinPlan {
  serviceAccountName: string;
  /** Created on the member only if missing. */
  namespace: PlannedObject;
  serviceAccount: PlannedObject;
  /** The long-lived token Secret the member's token controller fills. */
  tokenSecret: PlannedObject;
  /** Roles before the bindings that refer to them. */
  rbac: PlannedObject[];
  /** Cluster-scoped target types left out of a Namespaced least-privilege Role. */
  skippedTargetTypes: string[];
  /** Federated RBAC types left out of a least-privilege role (see `leastPrivilegeRules`). */
  withheldRbacTypes: string[];
  /** A least-privilege role that grants Secrets in every namespace of the member. */
  secretsInEveryNamespace: boolean;
}

export function planJoin(input: JoinPlanInput): JoinPlan {
  const { clusterName, hostClusterName, namespace, scope } = input;
  const sa = serviceAccountName(clusterName, hostClusterName);
  const subjects = [{ kind: 'ServiceAccount', name: sa, namespace }];
  const leastPrivilege =
    input.rbac === 'least-privilege'
      ? leastPrivilegeRules(input.targetTypes ?? [], scope)
      : undefined;

  const rbac: PlannedObject[] = [];
  const role = roleName(sa);
  if (scope === ResourceScope.Cluster) {
    rbac.push(
      clusterRole(role, leastPrivilege?.rules ?? clusterAdminRules()),
      clusterRoleBinding(role, subjects),
    );
  } else {
    const healthCheck = healthCheckRoleName(namespace, sa);
    rbac.push(
      {
        ref: rolesResource,
        object: {
          apiVersion: RBAC_V1,
          kind: 'Role',
          metadata: { name: role, namespace },
          rules: leastPrivilege?.rules ?? namespaceAdminRules(),
        },
      },
      {
        ref: roleBindingsResource,
        object: {
          apiVersion: RBAC_V1,
          kind: 'RoleBinding',
          metadata: { name: role, namespace },
          roleRef: { apiGroup: RBAC_GROUP, kind: 'Role', name: role },
          subjects,
        },
      },
      clusterRole(healthCheck, leastPrivilege ? healthCheckRules() : shippedHealthCheckRules()),
      clusterRoleBinding(healthCheck, subjects),
    );
  }

  return {
    serviceAccountName: sa,
    namespace: {
      ref: namespacesResource,
      object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
    },
    serviceAccount: {
      ref: serviceAccountsResource,
      object: {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: {
          name: sa,
          namespace,
          annotations: { 'kubernetes.io/enforce-mountable-secrets': 'true' },
        },
        automountServiceAccountToken: false,
      },
    },
    tokenSecret: {
      ref: secretsResource,
      object: {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          name: sa,
          namespace,
          annotations: { 'kubernetes.io/service-account.name': sa },
        },
        type: 'kubernetes.io/service-account-token',
      },
    },
    rbac,
    skippedTargetTypes: leastPrivilege?.skipped ?? [],
    withheldRbacTypes: leastPrivilege?.withheldRbac ?? [],
    secretsInEveryNamespace: leastPrivilege?.secretsInEveryNamespace ?? false,
  };
}

/** The member objects in the order join writes them (the namespace first). */
export function memberObjects(plan: JoinPlan): PlannedObject[] {
  return [plan.namespace, plan.serviceAccount, plan.tokenSecret, ...plan.rbac];
}

function clusterRole(name: string, rules: PolicyRule[]): PlannedObject {
  return {
    ref: clusterRolesResource,
    object: { apiVersion: RBAC_V1, kind: 'ClusterRole', metadata: { name }, rules },
  };
}

function clusterRoleBinding(
  name: string,
  subjects: { kind: string; name: string; namespace: string }[],
): PlannedObject {
  return {
    ref: clusterRoleBindingsResource,
    object: {
      apiVersion: RBAC_V1,
      kind: 'ClusterRoleBinding',
      metadata: { name },
      roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name },
      subjects,
    },
  };
}

// --- Host objects ------------------------------------------------------------------------------

/**
 * The host Secret holding the member token (base64, copied from the member's token Secret). With
 * no name, the server generates `<cluster>-xxxxx`. Without a token (dry run) it has no data.
 */
export function hostSecret(options: {
  clusterName: string;
  namespace: string;
  name?: string | undefined;
  token?: string | undefined;
}): KubeObject {
  const metadata: Record<string, string> =
    options.name !== undefined
      ? { name: options.name, namespace: options.namespace }
      : { generateName: hostSecretGenerateName(options.clusterName), namespace: options.namespace };
  const secret: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata, type: 'Opaque' };
  if (options.token !== undefined) secret['data'] = { [CLUSTER_SECRET_TOKEN_KEY]: options.token };
  return secret;
}

/** How the member is reached, from its kubeconfig context and its token Secret. */
export interface MemberEndpoint {
  /** The kubeconfig `server`, as written there. */
  server: string;
  /** PEM CA bundle from the kubeconfig (data or file), if any. */
  caData?: string | undefined;
  insecureSkipTLSVerify?: boolean | undefined;
  proxyUrl?: string | undefined;
}

/** The kubeconfig's CA if it has one (base64 of the PEM), else the token Secret's `ca.crt`. */
export function caBundleFor(
  endpoint: MemberEndpoint,
  tokenSecretCa: string | undefined,
): string | undefined {
  if (endpoint.caData) return Buffer.from(endpoint.caData, 'utf8').toString('base64');
  return tokenSecretCa || undefined;
}

export function kubeFedCluster(options: {
  clusterName: string;
  namespace: string;
  endpoint: MemberEndpoint;
  secretName: string;
  caBundle?: string | undefined;
  /** `--region` / `--zones` as `kubefed.io/region|zones` annotations (cluster-topology.ts). */
  annotations?: Record<string, string> | undefined;
}): KubeFedCluster {
  const { endpoint } = options;
  const annotations = options.annotations ?? {};
  const spec: KubeFedCluster['spec'] = {
    apiEndpoint: endpoint.server,
    ...(options.caBundle ? { caBundle: options.caBundle } : {}),
    secretRef: { name: options.secretName },
    ...(endpoint.insecureSkipTLSVerify ? { disabledTLSValidations: [TLSValidation.All] } : {}),
    // Serialised even when empty, as KubeFed does.
    proxyURL: endpoint.proxyUrl ?? '',
  };
  return {
    apiVersion: CORE_V1BETA1,
    kind: 'KubeFedCluster',
    metadata: {
      name: options.clusterName,
      namespace: options.namespace,
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    },
    spec,
  };
}

// --- Existing objects --------------------------------------------------------------------------

/** What to do with an object join finds already there (only with `--error-on-existing=false`). */
export type ExistingObjectAction =
  { action: 'keep' } | { action: 'update'; object: KubeObject } | { action: 'recreate' };

/**
 * Roles get the planned rules and bindings the planned subjects; a binding whose `roleRef` differs
 * is re-created (roleRef is immutable). Everything else (namespace, service account, token Secret)
 * is kept as it is.
 */
export function reconcileExisting(planned: KubeObject, existing: KubeObject): ExistingObjectAction {
  const kind = planned.kind;
  if (kind === 'ClusterRole' || kind === 'Role') {
    if (jsonEqual(existing['rules'] ?? [], planned['rules'])) return { action: 'keep' };
    return { action: 'update', object: { ...existing, rules: planned['rules'] } };
  }
  if (kind === 'ClusterRoleBinding' || kind === 'RoleBinding') {
    if (!jsonEqual(existing['roleRef'], planned['roleRef'])) return { action: 'recreate' };
    if (jsonEqual(existing['subjects'] ?? [], planned['subjects'])) return { action: 'keep' };
    return { action: 'update', object: { ...existing, subjects: planned['subjects'] } };
  }
  return { action: 'keep' };
}

/**
 * Whether an existing KubeFedCluster already has the spec join would give it, and the annotations
 * it sets (`--region`, `--zones`; others are left alone).
 */
export function sameClusterSpec(existing: KubeObject, desired: KubeFedCluster): boolean {
  const current = existing['spec'];
  if (!isJsonObject(current)) return false;
  const annotations = existing.metadata?.annotations ?? {};
  const wanted = Object.entries(desired.metadata?.annotations ?? {});
  if (!wanted.every(([key, value]) => annotations[key] === value)) return false;
  const fields = ['apiEndpoint', 'caBundle', 'secretRef', 'disabledTLSValidations'] as const;
  return (
    fields.every((field) => jsonEqual(current[field], desired.spec[field])) &&
    (current['proxyURL'] ?? '') === (desired.spec.proxyURL ?? '')
  );
}
