// The container image `npm run image` wrote (dist/kubefed-ts-<version>.oci.tar), checked from its
// own root filesystem: buildah loads the archive into a private store and mounts the container's
// root; the programs run chrooted there as the image's user with the image's environment, and
// /dev and /proc mounted as any container runtime does. The manager starts from it against the
// sandbox's host, leads, serves healthz and releases its lease on SIGTERM.
//
// Not part of `npm test` (named *.check.ts, not *.test.ts, so its glob skips it): building the
// image takes ~1.5 minutes of 2 cores and needs root and Debian's buildah (apt-get install
// buildah), which a fresh CI machine does not have. Run: npm run image && npm run test:image (with the
// sandbox up: `npx kubefed-sandbox up`, or KUBEFED_TEST_SANDBOX_DIR/KUBEFED_TEST_KUBECONFIG set).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { imageArchivePath, imageStorageFlags } from '../../scripts/image-paths.ts';
import { DEFAULT_SANDBOX_DIR } from '../../src/sandbox/layout.ts';
import { kubectl, repoRoot, runCli, sandboxAt, testSandbox } from '../integration/fixture.ts';
import {
  fastKubeFedConfigFile,
  startManager,
  type RunningManager,
} from '../integration/manager.ts';

const run = promisify(execFile);
const sandbox = process.env.KUBEFED_TEST_SANDBOX_DIR
  ? testSandbox()
  : sandboxAt(join(repoRoot, DEFAULT_SANDBOX_DIR));
const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  version: string;
};
const archive = imageArchivePath(manifest.version);
const storage = imageStorageFlags('image-check');

interface ImageConfig {
  User?: string;
  Env?: string[];
  Entrypoint?: string[];
  Labels?: Record<string, string>;
}

async function buildah(args: string[]): Promise<string> {
  return (await run('buildah', [...storage, ...args], { maxBuffer: 16 << 20 })).stdout.trim();
}

describe('the container image', () => {
  let container = '';
  let rootfs = '';
  let config: ImageConfig = {};
  const mounted: string[] = [];

  /** The command line that runs `args` in the image as its user, with its environment only. */
  function inImage(args: string[]): string[] {
    return ['chroot', `--userspec=${config.User ?? ''}`, rootfs, '/bin/env', '-i'].concat(
      config.Env ?? [],
      args,
    );
  }
  async function runInImage(args: string[]): Promise<string> {
    const [command = '', ...rest] = inImage(args);
    const { stdout, stderr } = await run(command, rest);
    return stdout + stderr;
  }

  before(async () => {
    if (process.getuid?.() !== 0) throw new Error('the image check needs root (chroot, mount)');
    try {
      await run('buildah', ['--version']);
    } catch {
      throw new Error('buildah is not installed: apt-get install buildah, then npm run image');
    }
    if (!existsSync(archive)) throw new Error(`no ${archive}: build it with npm run image`);
    await buildah(['rm', '--all']);
    container = await buildah(['from', '--quiet', `oci-archive:${archive}`]);
    rootfs = await buildah(['mount', container]);
    const inspected = JSON.parse(await buildah(['inspect', container])) as {
      OCIv1: { config: ImageConfig };
    };
    config = inspected.OCIv1.config;
    await run('mount', ['--rbind', '/dev', join(rootfs, 'dev')]);
    mounted.push(join(rootfs, 'dev'));
    await run('mount', ['-t', 'proc', 'proc', join(rootfs, 'proc')]);
    mounted.push(join(rootfs, 'proc'));
  });

  after(async () => {
    for (const dir of mounted.reverse()) await run('umount', ['-R', dir]);
    // The store is only this check's: a vfs copy of the image is ~300 MB.
    if (container !== '') {
      await buildah(['rm', '--all']);
      await buildah(['rmi', '--all', '--force']);
    }
  });

  it('runs as a non-root numeric user, starts the manager, carries OCI labels', () => {
    assert.match(config.User ?? '', /^[1-9]\d*:[1-9]\d*$/);
    assert.deepEqual(config.Entrypoint, ['kubefed-controller-manager']);
    const labels = config.Labels ?? {};
    assert.equal(labels['org.opencontainers.image.version'], manifest.version);
    assert.equal(labels['org.opencontainers.image.title'], 'kubefed-ts');
    assert.equal(labels['org.opencontainers.image.licenses'], 'Apache-2.0');
    assert.match(labels['org.opencontainers.image.revision'] ?? '', /^[0-9a-f]{40}(-dirty)?$/);
  });

  it('has the three entry points on PATH, run by the image Node.js 24', async () => {
    assert.equal(
      await runInImage(['kubefed-controller-manager', '--version']),
      `kubefed-controller-manager version: ${manifest.version}\n`,
    );
    assert.match(
      await runInImage(['kubefedctl', 'version']),
      /^kubefedctl version: version\.Info\{Version:"v[^"]+", .*GoVersion:"node24\./,
    );
    assert.equal(
      await runInImage(['readlink', '/usr/local/bin/kubefed-webhook']),
      '/app/bin/kubefed-webhook.js\n',
    );
    // The webhook's launcher is in the image exactly when the checkout has it.
    assert.equal(
      existsSync(join(rootfs, 'app/bin/kubefed-webhook.js')),
      existsSync(join(repoRoot, 'bin/kubefed-webhook.js')),
    );
  });

  it("starts from the compile cache the build filled for the image's user", async () => {
    for (const program of [
      ['kubefed-controller-manager', '--version'],
      ['kubefedctl', 'version'],
    ]) {
      const log = await runInImage(['NODE_DEBUG_NATIVE=COMPILE_CACHE', ...program]);
      const retrieved = log
        .split('\n')
        .filter((line) => line.includes('retrieving transpile cache for StrippedTypeScript'));
      assert.ok(retrieved.length > 0, `no compile cache lookups by ${program.join(' ')}:\n${log}`);
      // Each module's type-stripped source came from the cache, none had to be stripped anew.
      assert.deepEqual(
        retrieved.filter((line) => !line.endsWith('...success')),
        [],
        program.join(' '),
      );
    }
  });

  it('holds the production dependencies of the lock file and nothing else', () => {
    const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean; optional?: boolean }>;
    };
    const production = Object.entries(lock.packages)
      .filter(([path, entry]) => path.startsWith('node_modules/') && entry.dev !== true)
      .map(([path]) => path.slice('node_modules/'.length))
      .filter((name) => !name.includes('/node_modules/'))
      .sort();
    const dir = join(rootfs, 'app/node_modules');
    const installed = readdirSync(dir)
      .filter((name) => !name.startsWith('.'))
      .flatMap((name) =>
        name.startsWith('@') ? readdirSync(join(dir, name)).map((n) => `${name}/${n}`) : [name],
      )
      .sort();
    assert.deepEqual(installed, production);
  });

  describe('the manager, started from the image against the sandbox host', () => {
    let manager: RunningManager | undefined;
    after(async () => {
      await manager?.stop('SIGKILL');
    });

    it('leads, serves healthz and releases its lease on SIGTERM', async () => {
      const init = await runCli('kubefedctl', [
        ...['init', '--kubeconfig', sandbox.kubeconfig, '--host-cluster-context', 'host'],
      ]);
      assert.equal(init.code, 0, init.stderr);
      // The manager reads its files inside the image, where its user can.
      for (const [from, to] of [
        [sandbox.kubeconfig, 'tmp/kubeconfig'],
        [await fastKubeFedConfigFile(), 'tmp/kubefedconfig.yaml'],
      ] as const) {
        writeFileSync(join(rootfs, to), readFileSync(from));
        chmodSync(join(rootfs, to), 0o644);
      }
      manager = await startManager(
        { ...sandbox, kubeconfig: '/tmp/kubeconfig' },
        ['--kubefed-config', '/tmp/kubefedconfig.yaml'],
        { command: inImage(['kubefed-controller-manager']) },
      );
      await manager.waitForLog('promoted as leader', 60_000);
      assert.equal((await fetch(manager.healthzUrl)).status, 200);
      assert.equal(await manager.stop('SIGTERM'), 0, manager.stderr());
      assert.match(manager.stderr(), /Received SIGTERM, shutting down/);
      const holder = await kubectl(sandbox, [
        ...['--context', 'host', '-n', 'kube-federation-system', 'get', 'lease'],
        ...['kubefed-controller-manager', '-o', 'jsonpath={.spec.holderIdentity}'],
      ]);
      assert.equal(holder, '', 'the lease is released');
    });
  });
});
