// The single-file kubefedctl (`npm run build:kubefedctl`) where a user runs it: from a directory
// outside the checkout, with a PATH that holds only kubectl and the binary (no Node.js), as a
// kubectl plugin: `kubectl kubefed join` registers a member whose credentials work.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildKubefedctl } from '../../scripts/build-kubefedctl.ts';
import { getJson, repoRoot, testSandbox, unjoinClusters } from './fixture.ts';

const sandbox = testSandbox();
const kfns = 'kube-federation-system';
const member = 'member1';
const hostFlags = ['--kubeconfig', sandbox.kubeconfig, '--host-cluster-context', 'host'];

describe('kubefedctl as one executable, outside the checkout, without Node.js', () => {
  let work: string;
  let env: NodeJS.ProcessEnv;
  let buildNote: string;

  /** Runs `command` found on the test's PATH, in the directory outside the checkout. */
  function run(command: string, args: string[]): Promise<{ code: number; out: string }> {
    return new Promise((resolve) => {
      execFile(command, args, { cwd: work, env }, (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, out: `${stdout}${stderr}` });
      });
    });
  }

  before(async () => {
    const started = Date.now();
    const binary = await buildKubefedctl();
    buildNote = `${binary.built ? 'built' : 'up to date'} in ${String(Date.now() - started)} ms`;
    work = mkdtempSync(join(tmpdir(), 'kubefedctl-binary-'));
    assert.ok(!work.startsWith(repoRoot), `${work} is inside the checkout`);
    // A copy, so that nothing reaches back into the checkout; the plugin name links to it.
    const bin = join(work, 'bin');
    mkdirSync(bin);
    copyFileSync(binary.path, join(bin, 'kubefedctl'));
    symlinkSync('kubefedctl', join(bin, 'kubectl-kubefed'));
    const kubectlDir = dirname(sandbox.kubectlPath);
    for (const dir of [bin, kubectlDir]) {
      assert.ok(!existsSync(join(dir, 'node')), `${dir} has a node: the test needs a PATH without`);
    }
    env = { PATH: `${bin}:${kubectlDir}`, HOME: work, KUBECONFIG: sandbox.kubeconfig };
  });

  after(async () => {
    // Best effort, should a test have failed between join and unjoin.
    await unjoinClusters(sandbox, [member]);
    rmSync(work, { recursive: true, force: true });
  });

  it('prints its version, as kubefedctl and as kubectl kubefed', async (t) => {
    t.diagnostic(`dist/kubefedctl ${buildNote}`);
    for (const [command, args] of [
      ['kubefedctl', ['version']],
      ['kubectl', ['kubefed', 'version']],
    ] as const) {
      const { code, out } = await run(command, [...args]);
      assert.equal(code, 0, out);
      assert.match(out, /^kubefedctl version: version\.Info\{Version:"v\d+\.\d+\.\d+/);
      assert.match(out, /GoVersion:"node24\./);
    }
  });

  it('calls itself kubectl kubefed in help and usage errors when run as the plugin', async () => {
    const help = await run('kubectl', ['kubefed', '--help']);
    assert.equal(help.code, 0, help.out);
    assert.match(help.out, /Usage:\n {2}kubectl kubefed <command> \[flags\]/);
    const missing = await run('kubectl', ['kubefed', 'join']);
    assert.equal(missing.code, 1, missing.out);
    assert.match(missing.out, /Run 'kubectl kubefed join --help' for usage\./);
  });

  it('joins a member with kubectl kubefed join, whose credentials reach the member', async () => {
    const init = await run('kubectl', ['kubefed', 'init', ...hostFlags]);
    assert.equal(init.code, 0, init.out);
    const joined = await run('kubectl', [
      ...['kubefed', 'join', member, '--cluster-context', member, ...hostFlags],
    ]);
    assert.equal(joined.code, 0, joined.out);

    const cluster = await getJson(sandbox, 'host', ['-n', kfns, 'kubefedcluster', member]);
    const spec = cluster?.['spec'] as
      { apiEndpoint: string; caBundle: string; secretRef: { name: string } } | undefined;
    assert.ok(spec, `no KubeFedCluster ${member} after join:\n${joined.out}`);
    const secret = await getJson(sandbox, 'host', ['-n', kfns, 'secret', spec.secretRef.name]);
    const token = (secret?.['data'] as { token?: string } | undefined)?.token;
    assert.ok(token, `the secret ${spec.secretRef.name} holds no token`);
    // What the cluster controller's health check does with them: GET /healthz on the member.
    const caFile = join(work, 'member-ca.crt');
    writeFileSync(caFile, Buffer.from(spec.caBundle, 'base64'));
    const healthz = await run('kubectl', [
      ...['--kubeconfig', '/dev/null', '--server', spec.apiEndpoint],
      ...['--certificate-authority', caFile, '--token', Buffer.from(token, 'base64').toString()],
      ...['get', '--raw', '/healthz'],
    ]);
    assert.deepEqual(healthz, { code: 0, out: 'ok' });

    const unjoin = await run('kubectl', [
      ...['kubefed', 'unjoin', member, '--cluster-context', member, ...hostFlags],
    ]);
    assert.equal(unjoin.code, 0, unjoin.out);
    assert.equal(await getJson(sandbox, 'host', ['-n', kfns, 'kubefedcluster', member]), undefined);
  });
});
