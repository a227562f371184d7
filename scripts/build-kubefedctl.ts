// `npm run build:kubefedctl`: kubefedctl as one executable that needs no Node.js and no checkout,
// as users get the Go one: dist/kubefedctl, and dist/kubectl-kubefed beside it (a symlink: put
// both on PATH and `kubectl kubefed join ...` works).
//
// esbuild bundles src/cli/main.ts and its dependencies into one CommonJS file (what Node's single
// executable applications run), Node writes it as a preparation blob with V8's code cache, and
// postject injects the blob into a copy of the Node.js 24 binary that runs this script. When the
// bundle and that Node are those of the last build, the executable is kept: reruns take the
// bundling time only (well under a second).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);

/** The fuse Node looks for to know a blob was injected (Node's single-executable docs). */
const seaFuse = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

export interface KubefedctlBinary {
  /** dist/kubefedctl */
  path: string;
  /** dist/kubectl-kubefed, a symlink to it. */
  pluginPath: string;
  /** False when the last build's executable was kept. */
  built: boolean;
}

export async function buildKubefedctl(outDir = join(root, 'dist')): Promise<KubefedctlBinary> {
  const work = join(outDir, '.kubefedctl-build');
  mkdirSync(work, { recursive: true });
  const bundle = join(work, 'kubefedctl.cjs');
  await build({
    entryPoints: [join(root, 'src/cli/main.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node24',
    outfile: bundle,
    logLevel: 'warning',
  });
  const path = join(outDir, 'kubefedctl');
  const pluginPath = join(outDir, 'kubectl-kubefed');
  const stamp = join(work, 'stamp');
  const key = createHash('sha256')
    .update(readFileSync(bundle))
    .update(`${process.execPath}\0${process.version}`)
    .digest('hex');
  const built = !(existsSync(path) && existsSync(stamp) && readFileSync(stamp, 'utf8') === key);
  if (built) {
    rmSync(stamp, { force: true });
    const blob = join(work, 'kubefedctl.blob');
    const config = join(work, 'sea-config.json');
    writeFileSync(
      config,
      JSON.stringify({
        main: bundle,
        output: blob,
        disableExperimentalSEAWarning: true,
        useCodeCache: true,
      }),
    );
    await run(process.execPath, ['--experimental-sea-config', config]);
    const staged = join(work, 'kubefedctl');
    copyFileSync(process.execPath, staged);
    chmodSync(staged, 0o755);
    // postject warns about every ELF note section it cannot name; only a failure matters.
    await run(process.execPath, [
      join(root, 'node_modules/postject/dist/cli.js'),
      staged,
      'NODE_SEA_BLOB',
      blob,
      '--sentinel-fuse',
      seaFuse,
    ]);
    renameSync(staged, path);
    writeFileSync(stamp, key);
  }
  rmSync(pluginPath, { force: true });
  symlinkSync('kubefedctl', pluginPath);
  return { path, pluginPath, built };
}

if (import.meta.main) {
  try {
    const started = Date.now();
    const binary = await buildKubefedctl();
    console.log(
      `${binary.built ? 'Built' : 'Up to date:'} ${binary.path} and ${binary.pluginPath} ` +
        `(${String(Date.now() - started)} ms)`,
    );
  } catch (err) {
    console.error(`Error: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  }
}
