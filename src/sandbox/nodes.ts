// The sandbox's simulated nodes: how many per cluster and how big (`--nodes`, `--node-capacity`),
// the Node objects that kwok then keeps Ready, and the counts `kubefed-sandbox status` shows.
// Pure, so the flag syntax and the objects can be read and tested in one place.
import { topologyLabels, type ClusterTopology } from './topology.ts';

export interface NodeCapacity {
  /** Kubernetes quantities, as a kubelet would report them in `status.capacity`. */
  cpu: string;
  memory: string;
  pods: string;
}

export interface ClusterNodes {
  count: number;
  capacity: NodeCapacity;
}

export const DEFAULT_NODE_COUNT = 2;
export const DEFAULT_NODE_CAPACITY: NodeCapacity = { cpu: '4', memory: '8Gi', pods: '110' };
/** Node i (from 0) gets the InternalIP 172.18.0.(i+2) and the pod range 10.244.i.0/24. */
export const MAX_NODES_PER_CLUSTER = 250;

/** The label that marks a node as ours; each cluster's kwok manages only nodes that carry it. */
export const SIMULATED_NODE_LABEL = 'sandbox.kubefed.io/simulated-node';

/** `--nodes` and `--node-capacity` as given: each value is `SPEC` (all clusters) or `CLUSTER:SPEC`. */
export interface NodeFlags {
  nodes: readonly string[];
  nodeCapacity: readonly string[];
}

/**
 * Each cluster's nodes. A cluster's own values win over the all-cluster ones whatever their order,
 * and a capacity sets only the resources it names: `--node-capacity cpu=8 --node-capacity
 * member2:pods=4` gives member2 8 CPUs, the default memory and 4 pods.
 */
export function planNodes(
  flags: NodeFlags,
  clusters: readonly string[],
): Map<string, ClusterNodes> {
  const counts = flags.nodes.map((value) => {
    const { cluster, spec } = splitCluster('--nodes', value, clusters);
    return { cluster, count: parseNodeCount(value, spec) };
  });
  const capacities = flags.nodeCapacity.map((value) => {
    const { cluster, spec } = splitCluster('--node-capacity', value, clusters);
    return { cluster, capacity: parseCapacity(value, spec) };
  });
  const plan = new Map<string, ClusterNodes>();
  for (const name of clusters) {
    // All-cluster values first, then this cluster's; within each, later flags win.
    const ordered = <T extends { cluster: string | undefined }>(items: T[]): T[] => [
      ...items.filter((i) => i.cluster === undefined),
      ...items.filter((i) => i.cluster === name),
    ];
    const count = ordered(counts).at(-1)?.count ?? DEFAULT_NODE_COUNT;
    const capacity = ordered(capacities).reduce<NodeCapacity>(
      (merged, c) => ({ ...merged, ...c.capacity }),
      { ...DEFAULT_NODE_CAPACITY },
    );
    plan.set(name, { count, capacity });
  }
  return plan;
}

function splitCluster(
  flag: string,
  value: string,
  clusters: readonly string[],
): { cluster: string | undefined; spec: string } {
  const colon = value.indexOf(':');
  if (colon < 0) return { cluster: undefined, spec: value };
  const cluster = value.slice(0, colon);
  if (!clusters.includes(cluster)) {
    throw new Error(
      `${flag} ${value}: no cluster "${cluster}" in this sandbox (clusters: ${clusters.join(', ')})`,
    );
  }
  return { cluster, spec: value.slice(colon + 1) };
}

function parseNodeCount(value: string, spec: string): number {
  const count = Number(spec);
  if (!/^\d+$/.test(spec) || count > MAX_NODES_PER_CLUSTER) {
    throw new Error(
      `--nodes ${value}: expected [CLUSTER:]N with N a whole number from 0 to ${MAX_NODES_PER_CLUSTER}`,
    );
  }
  return count;
}

const resources = ['cpu', 'memory', 'pods'] as const;
type Resource = (typeof resources)[number];

/** A Kubernetes quantity without a sign: 4, 500m, 1.5, 512Mi, 8Gi, 1e3. */
const quantity = /^(\d+(\.\d+)?|\.\d+)([numkMGTPE]|[KMGTPE]i|[eE][+-]?\d+)?$/;

function parseCapacity(value: string, spec: string): Partial<NodeCapacity> {
  const usage = `--node-capacity ${value}: expected [CLUSTER:]RESOURCE=QUANTITY[,...] with RESOURCE cpu, memory or pods (e.g. cpu=4,memory=8Gi,pods=110)`;
  const capacity: Partial<NodeCapacity> = {};
  for (const pair of spec.split(',')) {
    const eq = pair.indexOf('=');
    const key = pair.slice(0, eq);
    const amount = pair.slice(eq + 1);
    if (eq < 0 || !resources.includes(key as Resource)) throw new Error(usage);
    if (capacity[key as Resource] !== undefined) {
      throw new Error(`--node-capacity ${value}: ${key} is given twice`);
    }
    if (key === 'pods' ? !/^\d+$/.test(amount) : !quantity.test(amount)) {
      throw new Error(
        `--node-capacity ${value}: ${key}=${amount} is not ${key === 'pods' ? 'a whole number' : 'a Kubernetes quantity (e.g. 500m, 4, 512Mi, 8Gi)'}`,
      );
    }
    capacity[key as Resource] = amount;
  }
  return capacity;
}

export function nodeName(cluster: string, index: number): string {
  return `${cluster}-node-${index + 1}`;
}

/**
 * The Node objects of one cluster, created with their status as a kubelet registers them:
 * capacity and allocatable (the scheduler reads allocatable), addresses and a pod range of
 * their own. kwok sets the conditions (Ready) and node info, and renews their leases.
 */
export function nodeManifests(
  cluster: string,
  nodes: ClusterNodes,
  topology?: ClusterTopology,
): Record<string, unknown>[] {
  return Array.from({ length: nodes.count }, (_, i) => {
    const name = nodeName(cluster, i);
    return {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name,
        labels: {
          [SIMULATED_NODE_LABEL]: 'true',
          'kubernetes.io/hostname': name,
          'kubernetes.io/os': 'linux',
          'kubernetes.io/arch': 'amd64',
          'node.kubernetes.io/instance-type': 'kwok',
          ...(topology ? topologyLabels(topology, i) : {}),
        },
      },
      spec: { podCIDR: `10.244.${i}.0/24`, podCIDRs: [`10.244.${i}.0/24`] },
      status: {
        capacity: { ...nodes.capacity },
        allocatable: { ...nodes.capacity },
        addresses: [
          { type: 'InternalIP', address: `172.18.0.${i + 2}` },
          { type: 'Hostname', address: name },
        ],
      },
    };
  });
}

export function formatCapacity(capacity: NodeCapacity): string {
  return resources.map((r) => `${r}=${capacity[r]}`).join(',');
}

export interface NodeList {
  items?: {
    spec?: { unschedulable?: boolean; taints?: { key?: string; effect?: string }[] };
    status?: { conditions?: { type?: string; status?: string }[] };
  }[];
}

type ListedNode = NonNullable<NodeList['items']>[number];

const isReady = (n: ListedNode): boolean =>
  n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

export interface NodeCounts {
  ready: number;
  total: number;
}

export function countNodes(list: NodeList): NodeCounts {
  const items = list.items ?? [];
  return { ready: items.filter(isReady).length, total: items.length };
}

/**
 * Nodes a pod without tolerations can land on: Ready, and no longer carrying the
 * node.kubernetes.io/not-ready taint that admission puts on every new node and
 * kube-controller-manager removes a few seconds after it turns Ready.
 */
export function schedulableNodes(list: NodeList): number {
  return (list.items ?? []).filter(
    (n) =>
      isReady(n) &&
      n.spec?.unschedulable !== true &&
      !(n.spec?.taints ?? []).some((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute'),
  ).length;
}

export interface PodCounts {
  running: number;
  pending: number;
  /** Succeeded, Failed or Unknown. */
  other: number;
}

export interface PodList {
  items?: { status?: { phase?: string } }[];
}

export function countPods(list: PodList): PodCounts {
  const counts: PodCounts = { running: 0, pending: 0, other: 0 };
  for (const pod of list.items ?? []) {
    const phase = pod.status?.phase;
    if (phase === 'Running') counts.running++;
    else if (phase === 'Pending' || phase === undefined) counts.pending++;
    else counts.other++;
  }
  return counts;
}
