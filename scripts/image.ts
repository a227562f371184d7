// `npm run image`: builds the container image of images/kubefed/Containerfile with buildah,
// daemonless (vfs storage, chroot isolation: it runs as root on a machine with no container
// daemon and no registry to pull a base image from), and writes it as an OCI archive:
// dist/kubefed-ts-<version>.oci.tar, image name kubefed-ts:<version>.
//
// The Containerfile starts FROM scratch: this script makes the runtime root filesystem it copies
// in (build context `runtime-rootfs`) from Debian's glibc, libstdc++ and busybox-static packages
// (`apt-get download`) and the Node.js 24 binary the project pins (npm package `node`). The
// dependencies stage runs this machine's npm CLI (build context `npm`) against the registry and
// certificates this machine's npm uses (secret `npm-ca`).
//
// Needs: root, `apt-get install buildah`, and `npm install` done. Takes about 1.5 minutes on 2
// idle cores. The build storage (~/.cache/kubefed-ts/image-build) is emptied after each build:
// the vfs driver stores every layer as a full copy. Check the result with `npm run test:image`.
import { execFile, spawn } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { imageArchivePath, imageName, imageStorageFlags } from './image-paths.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);

/** What the runtime needs besides Node.js: `ldd node` (glibc, libstdc++, libgcc) and a shell. */
const runtimePackages = ['libc6', 'libgcc-s1', 'libstdc++6', 'busybox-static'];
/** The image's user (distroless' numeric "nonroot"), also in the Containerfile's USER. */
const nonRootId = 65532;

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) {
    throw new Error('Run it as root: buildah builds here with chroot isolation and vfs storage.');
  }
  await requireCommand('buildah', 'Install it first: apt-get install buildah');
  const pinnedNode = join(root, 'node_modules/node/bin/node');
  if (!existsSync(pinnedNode)) throw new Error(`No ${pinnedNode}: run 'npm install' first.`);

  const work = await mkdtemp(join(tmpdir(), 'kubefed-image-'));
  try {
    const rootfs = await runtimeRootfs(join(work, 'rootfs'), realpathSync(pinnedNode));
    const caFile = join(work, 'npm-ca.pem');
    writeFileSync(caFile, await npmCertificates());
    const registry = await npmConfig('registry');
    const version = packageVersion();
    const revision = await gitRevision();
    const storage = imageStorageFlags();
    const started = Date.now();
    await buildah([
      ...storage,
      'bud',
      '--isolation=chroot',
      '--network=host',
      `--file=${join(root, 'images/kubefed/Containerfile')}`,
      `--build-context=runtime-rootfs=${rootfs}`,
      `--build-context=npm=${npmPackageDir()}`,
      `--secret=id=npm-ca,src=${caFile}`,
      `--build-arg=NPM_REGISTRY=${registry || 'https://registry.npmjs.org/'}`,
      `--build-arg=VERSION=${version}`,
      `--build-arg=REVISION=${revision}`,
      `--build-arg=CREATED=${new Date().toISOString()}`,
      `--tag=${imageName(version)}`,
      root,
    ]);
    const archive = imageArchivePath(version);
    mkdirSync(dirname(archive), { recursive: true });
    rmSync(archive, { force: true });
    await buildah([
      ...storage,
      'push',
      imageName(version),
      `oci-archive:${archive}:${imageName(version)}`,
    ]);
    console.log(
      `\nBuilt ${imageName(version)} in ${Math.round((Date.now() - started) / 1000)} s: ` +
        `${archive} (${Math.round(statSync(archive).size / 2 ** 20)} MiB).\n` +
        `Check it: npm run test:image. Push it: skopeo copy oci-archive:${archive} docker://REGISTRY/kubefed:${version}, then helm install with --set controllermanager.controller.repository=REGISTRY,controllermanager.webhook.repository=REGISTRY`,
    );
  } finally {
    // vfs keeps each layer as a full copy: ~1 GB per build if kept. The archive is the product.
    await buildah([...imageStorageFlags(), 'rmi', '--all', '--force']).catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }
}

/** glibc, libstdc++, busybox and Node.js 24, with a non-root user, /tmp and name resolution. */
async function runtimeRootfs(dir: string, node: string): Promise<string> {
  const debs = join(dir, '..', 'debs');
  mkdirSync(debs, { recursive: true });
  mkdirSync(dir);
  try {
    await run('apt-get', ['download', ...runtimePackages], { cwd: debs });
  } catch (err) {
    throw new Error(
      `apt-get download ${runtimePackages.join(' ')} failed (run 'apt-get update' first?)`,
      { cause: err },
    );
  }
  for (const deb of readdirSync(debs)) await run('dpkg-deb', ['-x', join(debs, deb), dir]);
  // Documentation and iconv modules: nothing in the image reads them.
  rmSync(join(dir, 'usr/share'), { recursive: true, force: true });
  rmSync(join(dir, 'usr/lib/x86_64-linux-gnu/gconv'), { recursive: true, force: true });
  mkdirSync(join(dir, 'usr/local/bin'), { recursive: true });
  copyFileSync(node, join(dir, 'usr/local/bin/node'));
  chmodSync(join(dir, 'usr/local/bin/node'), 0o755);
  mkdirSync(join(dir, 'tmp'), { mode: 0o1777 });
  chmodSync(join(dir, 'tmp'), 0o1777);
  const home = join(dir, 'home/nonroot');
  mkdirSync(home, { recursive: true });
  chownSync(home, nonRootId, nonRootId);
  const id = String(nonRootId);
  writeFileSync(
    join(dir, 'etc/passwd'),
    `root:x:0:0:root:/root:/bin/sh\nnonroot:x:${id}:${id}:nonroot:/home/nonroot:/sbin/nologin\n`,
  );
  writeFileSync(join(dir, 'etc/group'), `root:x:0:\nnonroot:x:${id}:\n`);
  writeFileSync(join(dir, 'etc/nsswitch.conf'), 'hosts: files dns\n');
  return dir;
}

/** The certificates this machine's npm trusts: its `cafile` and NODE_EXTRA_CA_CERTS, else Node's. */
async function npmCertificates(): Promise<string> {
  const files = [await npmConfig('cafile'), process.env['NODE_EXTRA_CA_CERTS'] ?? ''];
  const pems = files.filter((f) => f !== '' && existsSync(f)).map((f) => readFileSync(f, 'utf8'));
  return pems.length > 0 ? pems.join('\n') : rootCertificates.join('\n');
}

async function npmConfig(key: string): Promise<string> {
  const { stdout } = await run('npm', ['config', 'get', key]);
  const value = stdout.trim();
  return value === 'null' || value === 'undefined' ? '' : value;
}

/** The npm CLI that runs this script (npm sets npm_execpath), else the one on PATH. */
function npmPackageDir(): string {
  const cli = process.env['npm_execpath'] ?? '';
  if (cli.endsWith('npm-cli.js')) return dirname(dirname(realpathSync(cli)));
  const onPath = (process.env['PATH'] ?? '')
    .split(':')
    .map((dir) => join(dir, 'npm'))
    .find((file) => existsSync(file));
  if (onPath === undefined) throw new Error('No npm on PATH: the image build runs npm ci with it.');
  return dirname(dirname(realpathSync(onPath)));
}

function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}

async function gitRevision(): Promise<string> {
  try {
    const { stdout } = await run('git', ['rev-parse', 'HEAD'], { cwd: root });
    const { stdout: status } = await run('git', ['status', '--porcelain'], { cwd: root });
    return `${stdout.trim()}${status.trim() === '' ? '' : '-dirty'}`;
  } catch {
    return 'unknown';
  }
}

async function requireCommand(command: string, hint: string): Promise<void> {
  try {
    await run(command, ['--version']);
  } catch {
    throw new Error(`${command} is not installed. ${hint}`);
  }
}

/** Runs buildah with its output shown: a build prints each step. */
function buildah(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('buildah', args, { stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`buildah ${args.join(' ')} exited with ${String(code)}`)),
    );
  });
}

try {
  await main();
} catch (err) {
  console.error(`Error: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
