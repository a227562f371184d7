// The sandbox on real Kubernetes: what a newcomer does with it through kubectl.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { isAlive } from '../../src/sandbox/processes.ts';
import { allProcesses, readState } from '../../src/sandbox/state.ts';
import { eventually, kubectl, runCli, sandboxAt, testSandbox } from './fixture.ts';

describe('the shared test sandbox (host + 2 members)', () => {
  const sandbox = testSandbox();

  it('has contexts host, member1 and member2, each with real CA data and no insecure TLS', () => {
    const config = parse(readFileSync(sandbox.kubeconfig, 'utf8')) as {
      contexts: { name: string }[];
      clusters: { cluster: Record<string, unknown> }[];
    };
    assert.deepEqual(
      config.contexts.map((c) => c.name),
      ['host', 'member1', 'member2'],
    );
    for (const { cluster } of config.clusters) {
      assert.match(
        Buffer.from(String(cluster['certificate-authority-data']), 'base64').toString(),
        /BEGIN CERTIFICATE/,
      );
      assert.equal(cluster['insecure-skip-tls-verify'], undefined);
    }
  });

  for (const context of ['host', 'member1', 'member2']) {
    it(`lets kubectl list namespaces in ${context} and reports a real Kubernetes version`, async () => {
      const namespaces = JSON.parse(
        await kubectl(sandbox, ['--context', context, 'get', 'namespaces', '-o', 'json']),
      ) as { items: { metadata: { name: string } }[] };
      assert.ok(namespaces.items.some((n) => n.metadata.name === 'kube-system'));
      const version = JSON.parse(
        await kubectl(sandbox, ['--context', context, 'version', '-o', 'json']),
      ) as { serverVersion: { gitVersion: string; major: string } };
      assert.match(version.serverVersion.gitVersion, /^v1\.\d+\.\d+$/);
      assert.equal(version.serverVersion.major, '1');
    });
  }

  it('keeps each cluster separate', async () => {
    const ns = `only-in-member1-${Date.now()}`;
    await kubectl(sandbox, ['--context', 'member1', 'create', 'namespace', ns]);
    try {
      await assert.rejects(
        kubectl(sandbox, ['--context', 'member2', 'get', 'namespace', ns]),
        /NotFound/,
      );
      await assert.rejects(
        kubectl(sandbox, ['--context', 'host', 'get', 'namespace', ns]),
        /NotFound/,
      );
    } finally {
      await kubectl(sandbox, ['--context', 'member1', 'delete', 'namespace', ns, '--wait=false']);
    }
  });

  it('runs kube-controller-manager: deployments get replica sets and pods, namespaces finish deleting', async () => {
    const ns = `kcm-check-${Date.now()}`;
    await kubectl(sandbox, ['--context', 'member2', 'create', 'namespace', ns]);
    await kubectl(sandbox, [
      '--context',
      'member2',
      '-n',
      ns,
      'create',
      'deployment',
      'web',
      '--image=registry.invalid/web:1',
      '--replicas=2',
    ]);
    const pods = await eventually(async () => {
      const list = JSON.parse(
        await kubectl(sandbox, ['--context', 'member2', '-n', ns, 'get', 'pods', '-o', 'json']),
      ) as { items: unknown[] };
      return list.items.length === 2 ? list.items : undefined;
    });
    assert.equal(pods.length, 2);
    await kubectl(sandbox, ['--context', 'member2', 'delete', 'namespace', ns, '--timeout=90s']);
    await assert.rejects(
      kubectl(sandbox, ['--context', 'member2', 'get', 'namespace', ns]),
      /NotFound/,
    );
  });

  it('answers `up` on a live sandbox without changing anything', async () => {
    const stateFile = join(sandbox.dir, 'state.json');
    const before = readFileSync(stateFile, 'utf8');
    const result = await runCli('kubefed-sandbox', ['up', '--dir', sandbox.dir]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /already running/);
    assert.equal(readFileSync(stateFile, 'utf8'), before);
  });

  it('prints shell exports that put the sandbox kubectl first', async () => {
    const result = await runCli('kubefed-sandbox', ['env', '--dir', sandbox.dir]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^export KUBECONFIG='.*\/kubeconfig'$/m);
    assert.match(result.stdout, /^export PATH='.*\/bin':"\$PATH"$/m);
  });
});

describe('a sandbox of its own (host + 1 tiny member): capacity, stop, start, status and down', () => {
  let dir = '';
  before(async () => {
    dir = join(await mkdtemp(join(tmpdir(), 'kubefed-sandbox-test-')), 'sandbox');
    const result = await runCli('kubefed-sandbox', [
      'up',
      '--members',
      '1',
      '--nodes',
      '1',
      // member1: one node with room for two pods of 200m.
      '--node-capacity',
      'member1:cpu=500m,memory=512Mi',
      '--node-capacity',
      'pods=4',
      '--dir',
      dir,
    ]);
    assert.equal(result.code, 0, result.stderr);
  });
  after(async () => {
    await runCli('kubefed-sandbox', ['down', '--dir', dir]);
  });

  it('gives each node the capacity asked for, allocatable to pods', async () => {
    const sandbox = sandboxAt(dir);
    const capacity = async (context: string): Promise<string> =>
      kubectl(sandbox, [
        '--context',
        context,
        'get',
        'nodes',
        '-o',
        'jsonpath={range .items[*]}{.metadata.name} {.status.allocatable.cpu} {.status.allocatable.memory} {.status.allocatable.pods}{end}',
      ]);
    assert.equal(await capacity('member1'), 'member1-node-1 500m 512Mi 4');
    assert.equal(await capacity('host'), 'host-node-1 4 8Gi 4');
  });

  it('leaves pods Pending and Unschedulable where they do not fit, and runs them where they do', async () => {
    const sandbox = sandboxAt(dir);
    const deployment = JSON.stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'big', namespace: 'default' },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'big' } },
        template: {
          metadata: { labels: { app: 'big' } },
          spec: {
            containers: [
              {
                name: 'big',
                image: 'registry.k8s.io/pause:3.10',
                resources: { requests: { cpu: '200m', memory: '64Mi' } },
              },
            ],
          },
        },
      },
    });
    interface Pod {
      status: {
        phase: string;
        conditions?: { type: string; status: string; reason?: string; message?: string }[];
      };
    }
    const podsIn = async (context: string): Promise<Pod[]> =>
      (
        JSON.parse(
          await kubectl(sandbox, [
            '--context',
            context,
            'get',
            'pods',
            '-l',
            'app=big',
            '-o',
            'json',
          ]),
        ) as { items: Pod[] }
      ).items;
    for (const context of ['host', 'member1']) {
      await kubectl(sandbox, ['--context', context, 'apply', '-f', '-'], deployment);
    }
    try {
      // The host's node has room for all three; member1's 500m fits two.
      await eventually(async () => {
        const pods = await podsIn('host');
        return pods.length === 3 && pods.every((p) => p.status.phase === 'Running')
          ? true
          : undefined;
      });
      const pending = await eventually(async () => {
        const pods = await podsIn('member1');
        const unschedulable = pods.filter((p) =>
          p.status.conditions?.some(
            (c) =>
              c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable',
          ),
        );
        return pods.filter((p) => p.status.phase === 'Running').length === 2 &&
          unschedulable.length === 1
          ? unschedulable
          : undefined;
      });
      const [stuck] = pending;
      assert.equal(stuck?.status.phase, 'Pending');
      assert.match(
        stuck.status.conditions?.find((c) => c.type === 'PodScheduled')?.message ?? '',
        /Insufficient cpu/,
      );
      const status = await runCli('kubefed-sandbox', ['status', '--dir', dir]);
      assert.match(status.stdout, /^host\s.*\s1\/1\s+3 running, 0 pending, 0 other\s/m);
      assert.match(status.stdout, /^member1\s.*\s1\/1\s+2 running, 1 pending, 0 other\s/m);
    } finally {
      for (const context of ['host', 'member1']) {
        await kubectl(sandbox, [
          '--context',
          context,
          'delete',
          'deployment',
          'big',
          '--ignore-not-found',
        ]);
      }
    }
  });

  it('stops and restarts one cluster on the same port with the same data', async () => {
    const sandbox = sandboxAt(dir);
    await kubectl(sandbox, [
      '--context',
      'member1',
      'create',
      'configmap',
      'survivor',
      '--from-literal=k=v',
    ]);

    const stopped = await runCli('kubefed-sandbox', ['stop', 'member1', '--dir', dir]);
    assert.equal(stopped.code, 0, stopped.stderr);
    await assert.rejects(
      kubectl(sandbox, ['--context', 'member1', 'get', 'configmaps', '--request-timeout=3s']),
    );
    const status = await runCli('kubefed-sandbox', ['status', '--dir', dir]);
    assert.match(status.stdout, /^member1\s+\S+\s+stopped\s+no\b/m);
    assert.match(status.stdout, /^host\s+\S+\s+running\s+yes\b/m);

    const started = await runCli('kubefed-sandbox', ['start', 'member1', '--dir', dir]);
    assert.equal(started.code, 0, started.stderr);
    assert.equal(
      await kubectl(sandbox, [
        '--context',
        'member1',
        'get',
        'configmap',
        'survivor',
        '-o',
        'jsonpath={.data.k}',
      ]),
      'v',
    );
  });

  it('says clearly when a cluster name is unknown', async () => {
    const result = await runCli('kubefed-sandbox', ['stop', 'member9', '--dir', dir]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /no cluster "member9" in the sandbox \(clusters: host, member1\)/);
  });

  it('down stops exactly the processes it started and removes the data', async () => {
    const state = readState(join(dir, 'state.json'));
    assert.ok(state);
    const pids = allProcesses(state).map((p) => p.pid);
    assert.ok(pids.every(isAlive));
    const result = await runCli('kubefed-sandbox', ['down', '--dir', dir]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(pids.filter(isAlive), []);
    assert.equal(existsSync(dir), false);
  });
});
