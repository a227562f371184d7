// Workloads really run in the sandbox: kube-scheduler binds pods to the simulated nodes, kwok
// plays their kubelets (Running and Ready, Job pods Succeeded, deleted pods gone), and
// kube-controller-manager's controllers see it, as on a real cluster.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SIMULATED_NODE_LABEL } from '../../src/sandbox/nodes.ts';
import { eventually, kubectl, testSandbox } from './fixture.ts';

const sandbox = testSandbox();
const context = 'member1';
const ns = `workloads-${Date.now()}`;

const inMember = (...args: string[]): Promise<string> =>
  kubectl(sandbox, ['--context', context, '-n', ns, ...args]);

const apply = (object: Record<string, unknown>): Promise<string> =>
  kubectl(sandbox, ['--context', context, '-n', ns, 'apply', '-f', '-'], JSON.stringify(object));

const jsonpath = (resource: string, path: string): Promise<string> =>
  inMember('get', resource, '-o', `jsonpath=${path}`);

/**
 * Small requests, so the scheduler really fits them on the nodes' capacity. No grace period:
 * deleting the namespace at the end would otherwise wait out kube-controller-manager's estimate
 * (half of the default 30 s) before it looks again.
 */
const podSpec = (app: string, extra: Record<string, unknown> = {}) => ({
  metadata: { labels: { app } },
  spec: {
    terminationGracePeriodSeconds: 0,
    containers: [
      {
        name: app,
        image: 'registry.k8s.io/pause:3.10',
        resources: { requests: { cpu: '10m', memory: '16Mi' } },
      },
    ],
    ...extra,
  },
});

const selector = (app: string) => ({ matchLabels: { app } });

interface PodList {
  items: {
    metadata: { name: string };
    spec: { nodeName?: string };
    status: { phase?: string; podIP?: string; conditions?: { type: string; status: string }[] };
  }[];
}

const pods = async (app: string): Promise<PodList['items']> =>
  (JSON.parse(await inMember('get', 'pods', '-l', `app=${app}`, '-o', 'json')) as PodList).items;

describe(`workloads on the simulated nodes of ${context}`, () => {
  before(async () => {
    await kubectl(sandbox, ['--context', context, 'create', 'namespace', ns]);
  });
  after(async () => {
    await kubectl(sandbox, [
      '--context',
      context,
      'delete',
      'namespace',
      ns,
      '--ignore-not-found',
      '--timeout=90s',
    ]);
  });

  it("has two Ready nodes in every cluster, marked as the sandbox's own", async () => {
    for (const cluster of sandbox.clusters) {
      const ready = await kubectl(sandbox, [
        '--context',
        cluster,
        'get',
        'nodes',
        '-l',
        `${SIMULATED_NODE_LABEL}=true`,
        '-o',
        'jsonpath={range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Ready")].status} {end}',
      ]);
      assert.equal(ready.trim(), `${cluster}-node-1=True ${cluster}-node-2=True`);
    }
  });

  it('runs a Deployment of 2 replicas until both are ready, on the simulated nodes', async () => {
    await apply({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { replicas: 2, selector: selector('web'), template: podSpec('web') },
    });
    await eventually(async () =>
      (await jsonpath('deployment/web', '{.status.readyReplicas}')) === '2' ? true : undefined,
    );
    const running = await pods('web');
    assert.equal(running.length, 2);
    for (const pod of running) {
      assert.equal(pod.status.phase, 'Running');
      assert.match(pod.spec.nodeName ?? '', new RegExp(`^${context}-node-\\d+$`));
      assert.match(pod.status.podIP ?? '', /^10\.244\.\d+\.\d+$/);
      assert.ok(pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
    }
  });

  it('removes a deleted pod, and the Deployment replaces it', async () => {
    const [victim] = await pods('web');
    assert.ok(victim);
    await inMember('delete', 'pod', victim.metadata.name, '--timeout=60s');
    await eventually(async () => {
      const now = await pods('web');
      const ready = now.filter((p) =>
        p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
      );
      return now.every((p) => p.metadata.name !== victim.metadata.name) && ready.length === 2
        ? true
        : undefined;
    });
  });

  it('makes a ReplicaSet ready', async () => {
    await apply({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'rs' },
      spec: { replicas: 2, selector: selector('rs'), template: podSpec('rs') },
    });
    await eventually(async () =>
      (await jsonpath('replicaset/rs', '{.status.readyReplicas}')) === '2' ? true : undefined,
    );
  });

  it('makes a StatefulSet ready, one ordinal after the other', async () => {
    await apply({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db' },
      spec: { replicas: 2, serviceName: 'db', selector: selector('db'), template: podSpec('db') },
    });
    await eventually(async () =>
      (await jsonpath('statefulset/db', '{.status.readyReplicas}')) === '2' ? true : undefined,
    );
    assert.deepEqual((await pods('db')).map((p) => p.metadata.name).sort(), ['db-0', 'db-1']);
  });

  it('runs a DaemonSet pod on each node', async () => {
    await apply({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'agent' },
      spec: { selector: selector('agent'), template: podSpec('agent') },
    });
    await eventually(async () =>
      (await jsonpath(
        'daemonset/agent',
        '{.status.desiredNumberScheduled}/{.status.numberReady}',
      )) === '2/2'
        ? true
        : undefined,
    );
    assert.deepEqual((await pods('agent')).map((p) => p.spec.nodeName).sort(), [
      `${context}-node-1`,
      `${context}-node-2`,
    ]);
  });

  it('completes a Job', async () => {
    await apply({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'once' },
      spec: { template: podSpec('once', { restartPolicy: 'Never' }) },
    });
    await eventually(async () =>
      (await jsonpath(
        'job/once',
        '{.status.succeeded}/{.status.conditions[?(@.type=="Complete")].status}',
      )) === '1/True'
        ? true
        : undefined,
    );
    assert.deepEqual(
      (await pods('once')).map((p) => p.status.phase),
      ['Succeeded'],
    );
  });
});
