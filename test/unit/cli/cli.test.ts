import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { runCli } from '../../../src/cli/cli.ts';
import type { CliIO, CommandDefinition } from '../../../src/cli/command.ts';

async function run(argv: string[], env: NodeJS.ProcessEnv = {}, commands?: CommandDefinition[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    env,
  };
  const code = await runCli(argv, io, commands);
  return { code, stdout, stderr };
}

describe('kubefedctl', () => {
  it('prints help without a command and with --help', async () => {
    for (const argv of [[], ['--help'], ['-h']]) {
      const { code, stdout } = await run(argv);
      assert.equal(code, 0);
      assert.match(stdout, /^kubefedctl controls a KubeFed control plane/);
      assert.match(stdout, /\n {2}init +Install the KubeFed CRDs/);
      assert.match(stdout, /\n {2}version +Print the version/);
    }
  });

  it('prints command help with the common flags and defaults', async () => {
    for (const argv of [
      ['init', '--help'],
      ['--help', 'init'],
      ['init', '-h'],
    ]) {
      const { code, stdout } = await run(argv);
      assert.equal(code, 0, argv.join(' '));
      assert.match(stdout, /Usage:\n {2}kubefedctl init \[flags\]/);
      assert.match(
        stdout,
        /--kubefed-namespace NAMESPACE +Namespace of the KubeFed control plane \(default "kube-federation-system"\)/,
      );
      assert.match(stdout, /--host-cluster-context CONTEXT/);
      assert.match(stdout, /-o, --output FORMAT/);
      assert.match(stdout, /--dry-run/);
    }
  });

  it('prints the version like Go KubeFed', async () => {
    const { code, stdout } = await run(['version']);
    assert.equal(code, 0);
    assert.match(
      stdout,
      /^kubefedctl version: version\.Info\{Version:"v\d+\.\d+\.\d+[^"]*", GitCommit:"[^"]*", GitTreeState:"[^"]*", BuildDate:"[^"]*", GoVersion:"node\d+[^"]*", Compiler:"node", Platform:"\w+\/\w+"\}\n$/,
    );
  });

  it('calls itself by the program name it is given, e.g. as a kubectl plugin', async () => {
    let stdout = '';
    let stderr = '';
    const io: CliIO = {
      stdout: (text) => (stdout += text),
      stderr: (text) => (stderr += text),
      env: {},
      programName: 'kubectl kubefed',
    };
    assert.equal(await runCli([], io), 0);
    assert.match(stdout, /\n {2}kubectl kubefed <command> \[flags\]\n/);
    assert.match(stdout, /Use "kubectl kubefed <command> --help"/);
    stdout = '';
    assert.equal(await runCli(['unjoin', '--help'], io), 0);
    assert.match(stdout, /Usage:\n {2}kubectl kubefed unjoin CLUSTER_NAME/);
    assert.match(stdout, /Examples:\n {2}kubectl kubefed unjoin member1 /);
    assert.doesNotMatch(stdout, /kubefedctl/);
    assert.equal(await runCli(['join'], io), 1);
    assert.match(stderr, /Run 'kubectl kubefed join --help' for usage\.\n$/);
  });

  it('reports usage errors with a pointer to help, exit code 1', async () => {
    assert.deepEqual(await run(['frobnicate']), {
      code: 1,
      stdout: '',
      stderr:
        'Error: unknown command "frobnicate" for "kubefedctl"\nRun \'kubefedctl --help\' for usage.\n',
    });
    assert.deepEqual(
      (await run(['init', '--bogus'])).stderr,
      "Error: unknown flag: --bogus\nRun 'kubefedctl init --help' for usage.\n",
    );
    assert.match(
      (await run(['init', '-o', 'xml'])).stderr,
      /^Error: invalid --output "xml": use yaml or json\n/,
    );
    assert.match(
      (await run(['init', '--scope', 'global'])).stderr,
      /^Error: invalid scope "global": use Cluster or Namespaced\n/,
    );
    assert.match(
      (await run(['init', 'extra'])).stderr,
      /^Error: "init" takes no arguments, got "extra"\n/,
    );
    assert.match(
      (await run(['init', '--kubefed-namespace', 'Bad_NS'])).stderr,
      /^Error: invalid --kubefed-namespace "Bad_NS"/,
    );
    assert.match((await run(['-v', 'x', 'version'])).stderr, /^Error: invalid -v "x"/);
  });

  it('prints errors without a stack trace, and with one from -v 4', async () => {
    const failing: CommandDefinition = {
      name: 'fail',
      summary: 'fails',
      usage: '',
      flags: {},
      run: () => Promise.reject(new Error('outer', { cause: new Error('inner') })),
    };
    const quiet = await run(['fail'], {}, [failing]);
    assert.deepEqual(quiet, { code: 1, stdout: '', stderr: 'Error: outer\n' });
    for (const argv of [
      ['fail', '-v', '4'],
      ['--v=5', 'fail'],
      ['-v', '4', 'fail'],
    ]) {
      const loud = await run(argv, {}, [failing]);
      assert.equal(loud.code, 1);
      assert.match(loud.stderr, /^Error: outer\nError: outer\n {4}at /, argv.join(' '));
      assert.match(loud.stderr, /\nCaused by: Error: inner\n/);
    }
  });

  it('init --dry-run prints multi-document YAML without contacting a cluster', async () => {
    const { code, stdout, stderr } = await run([
      'init',
      '--dry-run',
      '--kubefed-namespace',
      'fed',
      '--scope',
      'Namespaced',
      '--kubeconfig',
      '/nonexistent',
    ]);
    assert.equal(stderr, '');
    assert.equal(code, 0);
    const docs = parseAllDocuments(stdout).map(
      (d) => d.toJS() as { kind: string; metadata: { name: string }; spec?: { scope?: string } },
    );
    assert.equal(docs.length, 13);
    assert.deepEqual(
      docs.slice(-2).map((d) => [d.kind, d.metadata.name]),
      [
        ['Namespace', 'fed'],
        ['KubeFedConfig', 'kubefed'],
      ],
    );
    assert.equal(docs.at(-1)?.spec?.scope, 'Namespaced');
  });

  it('init -o json prints a List', async () => {
    const { code, stdout } = await run(['init', '-o', 'json']);
    assert.equal(code, 0);
    const list = JSON.parse(stdout) as { kind: string; items: { kind: string }[] };
    assert.equal(list.kind, 'List');
    assert.equal(list.items.length, 13);
  });
});
