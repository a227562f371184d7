// The cluster registry on the sandbox: join / unjoin with kubefedctl, health checks by the
// controller manager (including a member going away and coming back), metrics and healthz,
// and leader election between two controller managers.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { eventually, kubectl, runCli, testSandbox } from './fixture.ts';
import { fastKubeFedConfigFile, startManager, type RunningManager } from './manager.ts';

const sandbox = testSandbox();
const kfns = 'kube-federation-system';
const common = ['--kubeconfig', sandbox.kubeconfig, '--host-cluster-context', 'host'];

interface Condition {
  type: string;
  status: string;
  reason?: string;
}
interface ClusterView {
  metadata: { name: string };
  spec: { secretRef: { name: string } };
  status?: { conditions?: Condition[]; kubernetesVersion?: string };
}

async function cluster(name: string): Promise<ClusterView | undefined> {
  const out = await kubectl(sandbox, [
    '--context',
    'host',
    '-n',
    kfns,
    'get',
    'kubefedclusters',
    '-o',
    'json',
  ]);
  return (JSON.parse(out) as { items: ClusterView[] }).items.find((c) => c.metadata.name === name);
}

function condition(view: ClusterView | undefined, type: string): string | undefined {
  return view?.status?.conditions?.find((c) => c.type === type)?.status;
}

describe('cluster registry with a running controller manager', () => {
  let manager: RunningManager;
  before(async () => {
    const init = await runCli('kubefedctl', ['init', ...common]);
    assert.equal(init.code, 0, init.stderr);
    // klog text, the default log format (startManager asks for JSON unless told otherwise).
    manager = await startManager(sandbox, [
      '--kubefed-config',
      await fastKubeFedConfigFile(),
      '--logging-format=text',
    ]);
    await manager.waitForLog('promoted as leader');
  });
  after(async () => {
    await manager.stop();
    for (const name of sandbox.clusters)
      await runCli('kubefedctl', ['unjoin', name, '--cluster-context', name, ...common]);
  });

  it('logs the lines KubeFed e2e tests look for, as klog text with the messages verbatim', async () => {
    // Logged just after "promoted as leader", possibly in a later chunk of stderr.
    await manager.waitForLog('Starting cluster controller', 5000);
    const klogLine = (message: string): RegExp =>
      new RegExp(
        `^I\\d{4} \\d\\d:\\d\\d:\\d\\d\\.\\d{6} +\\d+ [\\w.-]+\\.ts:\\d+\\] ${message}( |$)`,
        'm',
      );
    const log = manager.stderr();
    assert.match(log, klogLine(`KubeFed controller-manager version: \\S+`));
    assert.match(log, klogLine('Using valid KubeFedConfig "kube-federation-system/kubefed"'));
    assert.match(log, klogLine('promoted as leader'));
    assert.match(log, klogLine('Starting cluster controller'));
    assert.doesNotMatch(log, /^\{/m, 'no JSON lines');
  });

  it('join makes host, member1 and member2 Ready with their Kubernetes version within 30 s', async () => {
    for (const name of ['host', 'member1', 'member2']) {
      const result = await runCli('kubefedctl', [
        'join',
        name,
        '--cluster-context',
        name,
        ...common,
      ]);
      assert.equal(result.code, 0, `join ${name}: ${result.stderr}`);
    }
    for (const name of ['host', 'member1', 'member2']) {
      const view = await eventually(async () => {
        const c = await cluster(name);
        return condition(c, 'Ready') === 'True' && c?.status?.kubernetesVersion ? c : undefined;
      }, 30_000);
      assert.match(view.status?.kubernetesVersion ?? '', /^v1\.\d+\.\d+$/);
    }
  });

  it('join refuses an existing registration, and an unknown context, with clear errors', async () => {
    const again = await runCli('kubefedctl', [
      'join',
      'member1',
      '--cluster-context',
      'member1',
      ...common,
    ]);
    assert.notEqual(again.code, 0);
    assert.match(again.stderr, /already/i);
    const unknown = await runCli('kubefedctl', [
      'join',
      'nowhere',
      '--cluster-context',
      'nowhere',
      ...common,
    ]);
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /context "nowhere"/);
    assert.equal(await cluster('nowhere'), undefined, 'nothing half-created');
  });

  it('serves healthz and KubeFed metrics', async () => {
    const healthz = await fetch(manager.healthzUrl);
    assert.equal(healthz.status, 200);
    const metrics = await (await fetch(manager.metricsUrl)).text();
    assert.match(metrics, /^kubefedcluster_total\{cluster="member1",state="ready"\} 1$/m);
    assert.match(metrics, /^cluster_health_status_duration_seconds_count \d+$/m);
  });

  it('marks a stopped member Offline within the failure threshold and Ready again after start', async () => {
    const stopped = await runCli('kubefed-sandbox', ['stop', 'member2', '--dir', sandbox.dir]);
    assert.equal(stopped.code, 0, stopped.stderr);
    try {
      // period 1 s, timeout 1 s, failureThreshold 2: a few seconds.
      const offline = await eventually(async () => {
        const c = await cluster('member2');
        return condition(c, 'Offline') === 'True' ? c : undefined;
      }, 20_000);
      assert.equal(condition(offline, 'Ready'), undefined);
      assert.equal(
        condition(await cluster('member1'), 'Ready'),
        'True',
        'the other members stay ready',
      );
    } finally {
      const started = await runCli('kubefed-sandbox', ['start', 'member2', '--dir', sandbox.dir]);
      assert.equal(started.code, 0, started.stderr);
    }
    await eventually(
      async () => condition(await cluster('member2'), 'Ready') === 'True' || undefined,
      30_000,
    );
  });

  it('unjoin removes what join created on both sides', async () => {
    const secretName = (await cluster('member1'))?.spec.secretRef.name ?? '';
    const result = await runCli('kubefedctl', [
      'unjoin',
      'member1',
      '--cluster-context',
      'member1',
      ...common,
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(await cluster('member1'), undefined);
    await assert.rejects(
      kubectl(sandbox, ['--context', 'host', '-n', kfns, 'get', 'secret', secretName]),
      /NotFound/,
    );
    const leftovers = await kubectl(sandbox, [
      '--context',
      'member1',
      'get',
      'clusterroles,clusterrolebindings',
      '-o',
      'name',
    ]);
    assert.doesNotMatch(leftovers, /kubefed-controller-manager:/);
    await eventually(async () => {
      const out = await kubectl(sandbox, [
        '--context',
        'member1',
        'get',
        'namespace',
        kfns,
        '--ignore-not-found',
        '-o',
        'name',
      ]);
      return out.trim() === '' || undefined;
    }, 60_000);
  });
});

describe('leader election between two controller managers', () => {
  it('a standby takes over within the lease duration when the leader is killed', async () => {
    const config = await fastKubeFedConfigFile();
    const first = await startManager(sandbox, ['--kubefed-config', config]);
    await first.waitForLog('promoted as leader');
    const second = await startManager(sandbox, ['--kubefed-config', config]);
    try {
      await second.waitForLog('Attempting to acquire the leader lease');
      await sleep(1500);
      assert.doesNotMatch(second.stderr(), /promoted as leader/, 'only one leads');
      const killedAt = Date.now();
      await first.stop('SIGKILL');
      await second.waitForLog('promoted as leader', 15_000);
      // leaseDuration 3 s + retryPeriod 0.5 s (+ jitter and process start-up slack)
      assert.ok(Date.now() - killedAt < 8000, `took over after ${Date.now() - killedAt} ms`);
    } finally {
      await first.stop();
      await second.stop();
    }
  });

  it('SIGTERM releases the lease and exits 0, so a standby takes over at once', async () => {
    const config = await fastKubeFedConfigFile();
    const first = await startManager(sandbox, ['--kubefed-config', config]);
    await first.waitForLog('promoted as leader');
    const second = await startManager(sandbox, ['--kubefed-config', config]);
    try {
      await sleep(1000);
      assert.equal(await first.stop('SIGTERM'), 0);
      await second.waitForLog('promoted as leader', 3000);
    } finally {
      await second.stop();
    }
  });

  it('refuses to start on an invalid KubeFedConfig, saying why', async () => {
    const { writeFileSync } = await import('node:fs');
    const file = await fastKubeFedConfigFile();
    writeFileSync(
      file,
      (await import('node:fs'))
        .readFileSync(file, 'utf8')
        .replace('retryPeriod: 500ms', 'retryPeriod: 5s'),
    );
    const manager = await startManager(sandbox, ['--kubefed-config', file]);
    assert.equal(await manager.exited, 1);
    assert.match(
      manager.stderr(),
      /invalid KubeFedConfig "kube-federation-system\/kubefed": .*renewDeadline/,
    );
  });
});
