// The bin/ launchers leave nothing behind when they are killed, even with SIGKILL, also when the
// system Node is older than 24 (Node 20 on the development machine): run as a command, the
// launcher replaces itself with Node 24 (one process, one pid); run explicitly by the older
// Node, its Node 24 child stops, releasing the lease, as soon as the launcher is gone. And npx
// prints no engine warning.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { eventually, kubectl, repoRoot, runCli, testSandbox } from './fixture.ts';
import {
  fastKubeFedConfigFile,
  managerLauncher,
  startManager,
  type ManagerLaunch,
  type RunningManager,
} from './manager.ts';

const execFileAsync = promisify(execFile);
const sandbox = testSandbox();
const olderNode = '/usr/bin/node';
const olderNodeMajor = existsSync(olderNode)
  ? Number(
      execFileSync(olderNode, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' }),
    )
  : undefined;
const noOlderNode =
  olderNodeMajor === undefined || olderNodeMajor >= 24
    ? `needs a Node older than 24 at ${olderNode} (found ${String(olderNodeMajor ?? 'none')})`
    : false;
/** A PATH on which `node` is the older system Node, as in a shell outside npm. */
const systemPath = { ...process.env, PATH: '/usr/local/bin:/usr/bin:/bin' };

/** Live processes whose parent is `pid` (a zombie has released everything, so it does not count). */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = procStat(Number(entry));
    if (stat && stat.ppid === pid && stat.state !== 'Z') children.push(Number(entry));
  }
  return children;
}

function isAlive(pid: number): boolean {
  const stat = procStat(pid);
  return stat !== undefined && stat.state !== 'Z';
}

function procStat(pid: number): { state: string; ppid: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
  } catch {
    return undefined; // gone
  }
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
  const [state = '', ppid = ''] = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state, ppid: Number(ppid) };
}

/** Whether something still listens on the port (we cannot bind it). */
function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(true));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(false)));
  });
}

function healthzPort(manager: RunningManager): number {
  return Number(new URL(manager.healthzUrl).port);
}

async function leaseHolder(): Promise<string> {
  return kubectl(sandbox, [
    ...['--context', 'host', '-n', 'kube-federation-system', 'get', 'lease'],
    ...['kubefed-controller-manager', '-o', 'jsonpath={.spec.holderIdentity}'],
  ]);
}

describe('launchers killed with SIGKILL', () => {
  let config = '';
  before(async () => {
    const init = await runCli('kubefedctl', [
      ...['init', '--kubeconfig', sandbox.kubeconfig, '--host-cluster-context', 'host'],
    ]);
    assert.equal(init.code, 0, init.stderr);
    config = await fastKubeFedConfigFile();
  });
  // Everything started, so that a failing test (a child that outlives its launcher) still ends
  // with nothing left running, and nothing holding this process's pipes open.
  const started: RunningManager[] = [];
  const spawned = new Set<number>();
  after(async () => {
    for (const manager of started) await manager.stop('SIGKILL');
    for (const pid of spawned) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  });

  async function leader(launch: ManagerLaunch): Promise<RunningManager> {
    const manager = await startManager(sandbox, ['--kubefed-config', config], launch);
    started.push(manager);
    const collect = (): void => {
      for (const pid of childrenOf(manager.process.pid ?? 0)) spawned.add(pid);
    };
    const collecting = setInterval(collect, 200);
    try {
      await manager.waitForLog('promoted as leader');
    } finally {
      clearInterval(collecting);
    }
    collect();
    return manager;
  }

  it('as a command: the launcher is the Node 24 program itself, and nothing outlives it', async () => {
    const manager = await leader({ command: [managerLauncher], env: systemPath });
    const pid = manager.process.pid ?? 0;
    const exe = realpathSync(`/proc/${String(pid)}/exe`);
    const children = childrenOf(pid);
    manager.process.kill('SIGKILL');
    await manager.exited;
    assert.equal(
      exe,
      realpathSync(`${repoRoot}node_modules/node/bin/node`),
      'the shell replaced itself with the pinned Node',
    );
    assert.deepEqual(children, [], 'no child process');
    await eventually(
      async () => (!isAlive(pid) && !(await portInUse(healthzPort(manager)))) || undefined,
      10_000,
    );
  });

  it(
    'run by an older Node: its Node 24 child stops too and releases the lease and ports',
    { skip: noOlderNode },
    async (t) => {
      const manager = await leader({ command: [olderNode, managerLauncher] });
      const launcher = manager.process.pid ?? 0;
      const [child, ...others] = childrenOf(launcher);
      assert.ok(child !== undefined && others.length === 0, 'one Node 24 child');
      assert.notEqual(await leaseHolder(), '');
      const killedAt = Date.now();
      manager.process.kill('SIGKILL');
      await manager.exited;
      await eventually(
        async () => (!isAlive(child) && !(await portInUse(healthzPort(manager)))) || undefined,
        20_000,
      );
      const stoppedMs = Date.now() - killedAt;
      assert.equal(await leaseHolder(), '', 'the child stopped gracefully: lease released');
      t.diagnostic(
        `the child of the killed launcher was gone ${String(stoppedMs)} ms after the kill`,
      );
    },
  );
});

describe('each launcher', () => {
  it('runs as a command and by an older node alike, with the exit code of the program', async () => {
    const file = (name: string): string => `${repoRoot}bin/${name}.js`;
    // Each launcher's shell part, and once the older Node's way through run-ts.js.
    const ways = [
      [file('kubefedctl')],
      [file('kubefed-controller-manager')],
      [file('kubefed-sandbox')],
      ...(noOlderNode === false ? [[olderNode, file('kubefedctl')]] : []),
      [file('kubefed-webhook')],
    ];
    for (const [command = '', ...args] of ways) {
      const help = await execFileAsync(command, [...args, '--help'], { env: systemPath });
      assert.match(help.stdout, /usage/i, `${command} ${args.join(' ')} --help`);
      assert.equal(help.stderr, '', `${command} ${args.join(' ')} --help`);
    }
    for (const [command = '', ...args] of [ways[0] ?? [], ways[3] ?? []]) {
      if (command === '') continue;
      const bad = await execFileAsync(command, [...args, 'no-such-command'], {
        env: systemPath,
      }).then(
        () => 0,
        (error: unknown) => (error as { code?: number }).code,
      );
      assert.equal(bad, 1, `${command} ${args.join(' ')} no-such-command`);
    }
  });
});

describe('npx', () => {
  let cache = '';
  before(() => {
    cache = mkdtempSync(join(tmpdir(), 'kubefed-npx-cache-'));
  });
  after(() => rmSync(cache, { recursive: true, force: true }));

  it('runs kubefedctl version with no engine warning, from an empty npx cache too', async () => {
    // A fresh cache makes npx install the project into it, where npm checks `engines`.
    for (let run = 0; run < 2; run++) {
      const { stdout, stderr } = await execFileAsync('npx', ['kubefedctl', 'version'], {
        cwd: repoRoot,
        // Offline: installing the project into the cache is a link, and nothing else is needed.
        env: {
          ...systemPath,
          npm_config_cache: cache,
          npm_config_offline: 'true',
          npm_config_update_notifier: 'false',
        },
      });
      assert.match(stdout, /^kubefedctl version: version\.Info\{Version:"v/);
      assert.doesNotMatch(stderr, /EBADENGINE|Unsupported engine/);
    }
  });
});
