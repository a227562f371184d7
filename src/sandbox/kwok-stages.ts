// What kwok does to the sandbox's nodes and pods, as kwok Stages (kwok.x-k8s.io/v1alpha1): a
// kwok binary has no stages of its own (kwokctl adds its defaults), so the sandbox writes these
// into the config file every kwok process reads. Each Stage selects objects with jq-style
// expressions and patches their status from a Go template (strategic merge on the status
// subresource) or deletes them. They play what a kubelet would do, at once:
//   node-ready     a new node (Ready not True): kubelet-like conditions, Ready=True
//   pod-running    a pod bound to one of our nodes and not started: Running, Ready, an IP
//   pod-ready      a running pod marked not Ready (kube-controller-manager does that to every pod
//                  of a node it lost touch with): Ready again, as its kubelet would report once
//                  back, so workloads recover after `kubefed-sandbox stop`/`start`
//   job-pod-done   a running pod of a Job: Succeeded, as if its containers exited 0
//   pod-gone       a pod being deleted: removed at once (a kubelet would stop it first)
// There is no node heartbeat stage: kwok renews each node's Lease instead, which is what keeps a
// node Ready for kube-controller-manager's node lifecycle controller.
import { stringify } from 'yaml';

interface Expression {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

function stage(
  name: string,
  kind: 'Node' | 'Pod',
  matchExpressions: Expression[],
  next: { statusTemplate: string } | { delete: true },
): Record<string, unknown> {
  return {
    apiVersion: 'kwok.x-k8s.io/v1alpha1',
    kind: 'Stage',
    metadata: { name },
    spec: { resourceRef: { apiGroup: 'v1', kind }, selector: { matchExpressions }, next },
  };
}

const notDeleting: Expression = { key: '.metadata.deletionTimestamp', operator: 'DoesNotExist' };

// NodeConditions is kwok's list of a healthy kubelet's conditions (Ready True, no pressure).
const nodeReady = `{{ $now := Now }}
phase: Running
conditions:
{{ range NodeConditions }}
- type: {{ .type | Quote }}
  status: {{ .status | Quote }}
  reason: {{ .reason | Quote }}
  message: {{ .message | Quote }}
  lastHeartbeatTime: {{ $now | Quote }}
  lastTransitionTime: {{ $now | Quote }}
{{ end }}
nodeInfo:
  architecture: amd64
  operatingSystem: linux
  kubeletVersion: {{ printf "kwok-%s" Version | Quote }}
  kubeProxyVersion: {{ printf "kwok-%s" Version | Quote }}
  containerRuntimeVersion: {{ printf "kwok-%s" Version | Quote }}
  kernelVersion: {{ printf "kwok-%s" Version | Quote }}
`;

// Init containers have run to completion, except sidecars (restartPolicy Always), which keep
// running next to the app containers. Readiness gates count as passed.
const podRunning = `{{ $now := Now }}
phase: Running
startTime: {{ $now | Quote }}
hostIP: {{ NodeIPWith .spec.nodeName | Quote }}
podIP: {{ PodIPWith .spec.nodeName (or .spec.hostNetwork false) (or .metadata.uid "") (or .metadata.name "") (or .metadata.namespace "") | Quote }}
conditions:
{{ range list "PodReadyToStartContainers" "Initialized" "ContainersReady" "Ready" }}
- type: {{ . }}
  status: "True"
  lastTransitionTime: {{ $now | Quote }}
{{ end }}
{{ range .spec.readinessGates }}
- type: {{ .conditionType | Quote }}
  status: "True"
  lastTransitionTime: {{ $now | Quote }}
{{ end }}
containerStatuses:
{{ range .spec.containers }}
- name: {{ .name | Quote }}
  image: {{ .image | Quote }}
  ready: true
  started: true
  restartCount: 0
  state:
    running:
      startedAt: {{ $now | Quote }}
{{ end }}
initContainerStatuses:
{{ range .spec.initContainers }}
- name: {{ .name | Quote }}
  image: {{ .image | Quote }}
  restartCount: 0
{{ if eq (or .restartPolicy "") "Always" }}
  ready: true
  started: true
  state:
    running:
      startedAt: {{ $now | Quote }}
{{ else }}
  ready: false
  started: false
  state:
    terminated:
      exitCode: 0
      reason: Completed
      startedAt: {{ $now | Quote }}
      finishedAt: {{ $now | Quote }}
{{ end }}
{{ end }}
`;

const podReadyAgain = `{{ $now := Now }}
conditions:
- type: Ready
  status: "True"
  lastTransitionTime: {{ $now | Quote }}
`;

const jobPodDone = `{{ $now := Now }}
{{ $started := or .status.startTime $now }}
phase: Succeeded
conditions:
{{ range list "ContainersReady" "Ready" }}
- type: {{ . }}
  status: "False"
  reason: PodCompleted
  lastTransitionTime: {{ $now | Quote }}
{{ end }}
containerStatuses:
{{ range .spec.containers }}
- name: {{ .name | Quote }}
  image: {{ .image | Quote }}
  ready: false
  started: false
  restartCount: 0
  state:
    terminated:
      exitCode: 0
      reason: Completed
      startedAt: {{ $started | Quote }}
      finishedAt: {{ $now | Quote }}
{{ end }}
`;

export function kwokStages(): Record<string, unknown>[] {
  return [
    stage(
      'node-ready',
      'Node',
      [
        {
          key: '.status.conditions.[] | select(.type == "Ready") | .status',
          operator: 'NotIn',
          values: ['True'],
        },
      ],
      { statusTemplate: nodeReady },
    ),
    stage('pod-running', 'Pod', [notDeleting, { key: '.status.podIP', operator: 'DoesNotExist' }], {
      statusTemplate: podRunning,
    }),
    stage(
      'pod-ready',
      'Pod',
      [
        notDeleting,
        { key: '.status.phase', operator: 'In', values: ['Running'] },
        {
          key: '.status.conditions.[] | select(.type == "Ready") | .status',
          operator: 'NotIn',
          values: ['True'],
        },
      ],
      { statusTemplate: podReadyAgain },
    ),
    stage(
      'job-pod-done',
      'Pod',
      [
        notDeleting,
        { key: '.status.phase', operator: 'In', values: ['Running'] },
        { key: '.metadata.ownerReferences.[].kind', operator: 'In', values: ['Job'] },
      ],
      { statusTemplate: jobPodDone },
    ),
    stage('pod-gone', 'Pod', [{ key: '.metadata.deletionTimestamp', operator: 'Exists' }], {
      delete: true,
    }),
  ];
}

/** The config file for `kwok --config`: the stages as a multi-document YAML stream. */
export function renderKwokConfig(): string {
  return kwokStages()
    .map((s) => stringify(s, { lineWidth: 0 }))
    .join('---\n');
}
