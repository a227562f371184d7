// The FederatedTypeConfig controller in a running controller manager: the default types run,
// `kubefedctl disable` flips a type to NotRunning within seconds and `enable` brings it back,
// and a CRD enabled at runtime gets its sync controller without a restart.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { eventually, kubectl, runCli, sizedCRD, testSandbox } from './fixture.ts';
import { fastKubeFedConfigFile, startManager, type RunningManager } from './manager.ts';

const sandbox = testSandbox();
const kfns = 'kube-federation-system';
const common = ['--kubeconfig', sandbox.kubeconfig, '--host-cluster-context', 'host'];
const group = `ftc${Date.now()}.example.com`;

interface FtcView {
  metadata: { name: string; generation: number; finalizers?: string[] };
  status?: { propagationController?: string; observedGeneration?: number };
}

async function ftc(name: string): Promise<FtcView | undefined> {
  const out = await kubectl(sandbox, [
    '--context',
    'host',
    '-n',
    kfns,
    'get',
    'ftc',
    name,
    '-o',
    'json',
    '--ignore-not-found',
  ]);
  return out.trim() === '' ? undefined : (JSON.parse(out) as FtcView);
}

const gadgetCRD = sizedCRD(group, 'Gadget');

/** `kubectl get ftc`'s CONTROLLER column (status.propagationController) by FTC name. */
async function controllerColumn(): Promise<Map<string, string>> {
  const out = await kubectl(sandbox, ['--context', 'host', '-n', kfns, 'get', 'ftc']);
  const [header = '', ...rows] = out.trim().split('\n');
  const column = header.split(/\s+/).indexOf('CONTROLLER');
  assert.ok(column > 0, `a CONTROLLER column in:\n${header}`);
  return new Map(
    rows.map((row) => row.split(/\s+/)).map((cells) => [cells[0] ?? '', cells[column] ?? '']),
  );
}

describe('FederatedTypeConfig controller', () => {
  let manager: RunningManager;
  let config: string;
  before(async () => {
    const init = await runCli('kubefedctl', ['init', ...common]);
    assert.equal(init.code, 0, init.stderr);
    config = await fastKubeFedConfigFile();
    // A setting this control plane does not act on, to see it said.
    const yaml = readFileSync(config, 'utf8');
    assert.ok(yaml.includes('cacheSyncTimeout: 5m0s'));
    writeFileSync(config, yaml.replace('cacheSyncTimeout: 5m0s', 'cacheSyncTimeout: 1m'));
    manager = await startManager(sandbox, ['--kubefed-config', config, '--logging-format=text']);
    await manager.waitForLog('promoted as leader');
  });
  after(async () => {
    await manager.stop();
    for (const context of sandbox.clusters) {
      await kubectl(sandbox, [
        '--context',
        context,
        'delete',
        'crd',
        `gadgets.${group}`,
        '--ignore-not-found',
      ]);
    }
  });

  it('warns, in klog text, that a KubeFedConfig setting it does not act on has no effect', () => {
    assert.match(
      manager.stderr(),
      /^W\d{4} [\d:.]+ +\d+ inert-settings\.ts:\d+\] spec\.controllerDuration\.cacheSyncTimeout: 1m has no effect: /m,
    );
  });

  it('runs the sync controllers of the ten default types, with the FTC finalizer', async () => {
    const names = [
      'clusterroles.rbac.authorization.k8s.io',
      'configmaps',
      'deployments.apps',
      'ingresses.networking.k8s.io',
      'jobs.batch',
      'namespaces',
      'replicasets.apps',
      'secrets',
      'serviceaccounts',
      'services',
    ];
    for (const name of names) {
      const view = await eventually(async () => {
        const v = await ftc(name);
        return v?.status?.propagationController === 'Running' &&
          v.status.observedGeneration === v.metadata.generation
          ? v
          : undefined;
      }, 30_000);
      assert.ok(
        view.metadata.finalizers?.includes('core.kubefed.io/federated-type-config'),
        `${name} has the finalizer`,
      );
    }
  });

  it('disable flips a type to NotRunning within seconds; enable runs it again', async () => {
    const started = Date.now();
    const disabled = await runCli('kubefedctl', ['disable', 'configmaps', ...common]);
    assert.equal(disabled.code, 0, disabled.stderr + disabled.stdout);
    assert.ok(Date.now() - started < 10_000, `disable took ${Date.now() - started} ms`);
    // disable waits for NotRunning, then deletes the FTC (spec 13.5): its finalizer was removed.
    assert.match(disabled.stdout + disabled.stderr, /stopped|NotRunning/i);
    assert.equal(await ftc('configmaps'), undefined);

    const enabled = await runCli('kubefedctl', ['enable', 'configmaps', ...common]);
    assert.equal(enabled.code, 0, enabled.stderr);
    await eventually(
      async () =>
        (await ftc('configmaps'))?.status?.propagationController === 'Running' ? true : undefined,
      15_000,
    );
  });

  it('starts the sync controller of a CRD enabled at runtime, without a restart', async () => {
    for (const context of sandbox.clusters) {
      await kubectl(sandbox, ['--context', context, 'apply', '-f', '-'], JSON.stringify(gadgetCRD));
    }
    for (const context of sandbox.clusters) {
      await kubectl(sandbox, [
        '--context',
        context,
        'wait',
        '--for=condition=Established',
        `crd/gadgets.${group}`,
        '--timeout=30s',
      ]);
    }
    const enabled = await runCli('kubefedctl', ['enable', `gadgets.${group}`, ...common]);
    assert.equal(enabled.code, 0, enabled.stderr);
    await eventually(
      async () =>
        (await ftc(`gadgets.${group}`))?.status?.propagationController === 'Running'
          ? true
          : undefined,
      15_000,
    );
    await manager.waitForLog('Starting sync controller for "FederatedGadget"', 5000);

    const disabled = await runCli('kubefedctl', [
      'disable',
      `gadgets.${group}`,
      '--delete-crd',
      ...common,
    ]);
    assert.equal(disabled.code, 0, disabled.stderr + disabled.stdout);
    assert.equal(
      await ftc(`gadgets.${group}`),
      undefined,
      'the FTC is gone (its finalizer was removed)',
    );
    // The CRD's own finalizer (its instances' cleanup) runs after the delete returns.
    await eventually(async () => {
      try {
        await kubectl(sandbox, [
          '--context',
          'host',
          'get',
          'crd',
          'federatedgadgets.types.kubefed.io',
        ]);
        return undefined;
      } catch (error) {
        return /NotFound/.test(String(error)) ? true : undefined;
      }
    }, 30_000);
  });

  it('on SIGTERM the leader shows the types it ran NotRunning; the next leader, Running', async () => {
    const allRunning = async (): Promise<true | undefined> => {
      const columns = await controllerColumn();
      return columns.size >= 10 && [...columns.values()].every((c) => c === 'Running')
        ? true
        : undefined;
    };
    await eventually(allRunning, 15_000);
    assert.equal(await manager.stop('SIGTERM'), 0);
    // Written before the process exits, not eventually: no manager runs them now.
    assert.deepEqual(
      [...(await controllerColumn()).entries()].filter(([, c]) => c !== 'NotRunning'),
      [],
    );

    // A warm standby takes over from a leader that shuts down: its Running is what stays.
    manager = await startManager(sandbox, ['--kubefed-config', config]);
    await manager.waitForLog('promoted as leader');
    await eventually(allRunning, 15_000);
    const standby = await startManager(sandbox, ['--kubefed-config', config]);
    try {
      await standby.waitForLog('Attempting to acquire the leader lease');
      assert.equal(await manager.stop('SIGTERM'), 0);
      await standby.waitForLog('promoted as leader', 15_000);
    } finally {
      manager = standby;
    }
    await eventually(allRunning, 15_000);
  });
});
