// The join and unjoin commands up to their first request: flag checks, context resolution and
// unreachable clusters. What they write is tested on the sandbox (test/integration).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../../src/cli/cli.ts';
import type { CliIO } from '../../../src/cli/command.ts';

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    env: {},
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

/** A local port nothing listens on: connecting is refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  assert.ok(address && typeof address === 'object');
  return address.port;
}

function kubeconfig(servers: Record<string, string>, current = 'host'): string {
  const names = Object.keys(servers);
  return [
    'apiVersion: v1',
    'kind: Config',
    `current-context: ${current}`,
    'clusters:',
    ...names.map((n) => `- name: ${n}\n  cluster:\n    server: ${servers[n] ?? ''}`),
    'users:',
    '- name: admin\n  user:\n    token: t',
    'contexts:',
    ...names.map((n) => `- name: ${n}\n  context:\n    cluster: ${n}\n    user: admin`),
    '',
  ].join('\n');
}

describe('kubefedctl join and unjoin, before any write', () => {
  let dir: string;
  let path: string;
  let deadServer: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kubefedctl-join-'));
    path = join(dir, 'kubeconfig');
    deadServer = `https://127.0.0.1:${await closedPort()}`;
    writeFileSync(
      path,
      kubeconfig({ host: deadServer, member1: deadServer, 'arn:aws:eks:x/y': deadServer }),
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('lists join, unjoin and get among the commands', async () => {
    const { stdout } = await run(['--help']);
    assert.match(stdout, /\n {2}join +Register a cluster/);
    assert.match(stdout, /\n {2}unjoin +Remove a cluster/);
    assert.match(stdout, /\n {2}get +List the clusters/);
  });

  it('documents the join flags with their defaults', async () => {
    const { code, stdout } = await run(['join', '--help']);
    assert.equal(code, 0);
    assert.match(stdout, /kubefedctl join CLUSTER_NAME \[flags\]/);
    for (const flag of [
      /--cluster-context CONTEXT/,
      /--host-cluster-name NAME/,
      /--secret-name NAME/,
      /--error-on-existing true\|false .*\(default "true"\)/,
      /--rbac MODE .*\(default "cluster-admin"\)/,
      /--kubefed-namespace NAMESPACE .*\(default "kube-federation-system"\)/,
      /--host-cluster-context CONTEXT/,
      /--dry-run/,
    ]) {
      assert.match(stdout, flag);
    }
    const unjoin = await run(['unjoin', '--help']);
    assert.match(unjoin.stdout, /--force/);
    assert.match(unjoin.stdout, /--cluster-context CONTEXT/);
  });

  it('needs exactly one cluster name', async () => {
    const none = await run(['join', '--kubeconfig', path]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /"join" needs 1 argument\(s\), got 0/);
    const two = await run(['unjoin', 'a', 'b', '--kubeconfig', path]);
    assert.equal(two.code, 1);
  });

  it('names the unknown context and lists the available ones', async () => {
    const { code, stderr } = await run([
      'join',
      'nowhere',
      '--cluster-context',
      'nowhere',
      '--kubeconfig',
      path,
      '--host-cluster-context',
      'host',
    ]);
    assert.equal(code, 1);
    assert.match(stderr, /context "nowhere" not found/);
    assert.match(stderr, /available: arn:aws:eks:x\/y, host, member1/);
    assert.match(stderr, /--cluster-context/);
    const host = await run([
      'join',
      'member1',
      '--kubeconfig',
      path,
      '--host-cluster-context',
      'hub',
    ]);
    assert.match(
      host.stderr,
      /host cluster's kubeconfig context: context "hub" not found.*--host-cluster-context/,
    );
  });

  it('uses the cluster name as its context by default', async () => {
    const { stderr } = await run(['join', 'member9', '--kubeconfig', path]);
    assert.match(stderr, /context "member9" not found/);
  });

  it('checks flag values before contacting a cluster', async () => {
    const cases: [string[], RegExp][] = [
      [['--error-on-existing', 'maybe'], /invalid --error-on-existing "maybe": use true or false/],
      [['--rbac', 'root'], /invalid --rbac "root": use cluster-admin or least-privilege/],
      [['--secret-name', 'Bad_Name'], /invalid --secret-name "Bad_Name"/],
      [['--kubefed-namespace', 'Not OK'], /invalid --kubefed-namespace/],
      [['-o', 'table'], /invalid --output "table"/],
      [['--host-cluster-name', 'a:b'], /invalid --host-cluster-name "a:b"/],
      [['--region', 'US_East'], /invalid --region: "US_East" is not a valid DNS label/],
      [['--zones', 'a,b.c'], /invalid --zones: "b.c" is not a valid DNS label/],
      [['--zones', ' , '], /invalid --zones " , ": give at least one zone/],
    ];
    for (const [flags, message] of cases) {
      const { code, stderr } = await run(['join', 'member1', '--kubeconfig', path, ...flags]);
      assert.equal(code, 1, flags.join(' '));
      assert.match(stderr, message);
      assert.match(stderr, /Run 'kubefedctl join --help' for usage/);
    }
  });

  it('accepts Go-style --error-on-existing=false', async () => {
    const { stderr } = await run([
      'join',
      'member1',
      '--kubeconfig',
      path,
      '--error-on-existing=false',
    ]);
    assert.doesNotMatch(stderr, /error-on-existing/);
    assert.match(stderr, /cannot reach/);
  });

  it('asks for --host-cluster-name when the host context cannot name objects', async () => {
    const { stderr } = await run([
      'join',
      'member1',
      '--kubeconfig',
      path,
      '--host-cluster-context',
      'arn:aws:eks:x/y',
    ]);
    assert.match(stderr, /contains "\/" or ":".*--host-cluster-name/);
  });

  it('names the cluster and URL it cannot reach', async () => {
    const { code, stderr, stdout } = await run([
      'join',
      'member1',
      '--kubeconfig',
      path,
      '--host-cluster-context',
      'host',
    ]);
    assert.equal(code, 1);
    assert.match(stdout, /^Checking host cluster "host" \(https:\/\/127\.0\.0\.1:\d+\)\.\.\. \n$/);
    assert.equal(
      stderr,
      `Error: cannot reach the host cluster "host" at ${deadServer} (kubeconfig context "host"): ` +
        'connection refused; check that the cluster is running and that the context points at it\n',
    );
  });

  it('unjoin: an unknown member context is an error unless --force', async () => {
    const { code, stderr } = await run([
      'unjoin',
      'nowhere',
      '--kubeconfig',
      path,
      '--host-cluster-context',
      'host',
    ]);
    assert.equal(code, 1);
    assert.match(stderr, /context "nowhere" not found.*or run unjoin with --force/);
    const forced = await run([
      'unjoin',
      'nowhere',
      '--kubeconfig',
      path,
      '--host-cluster-context',
      'host',
      '--force',
    ]);
    assert.equal(forced.code, 1);
    assert.match(
      forced.stderr,
      /Warning: .*context "nowhere" not found.*cleaning up the host only/,
    );
    assert.match(forced.stderr, /Error: cannot reach the host cluster "host"/);
  });
});
