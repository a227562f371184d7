// Starts a TypeScript entry point on Node.js 24, which runs TypeScript directly (type stripping).
// Run as commands, the bin/ launchers are already on the Node 24 the project pins in node_modules
// (npm package `node`): their shell part execs it (launch.sh). Run explicitly by an older `node`
// (Node 20 here), a process cannot replace itself, so the entry point runs as a child on the
// pinned Node: signals are forwarded (the controller manager releases its lease on SIGTERM), and
// the child stops itself the same way when the launcher is gone, even killed with SIGKILL: the
// IPC channel between them closes with the launcher, which the child sees as 'disconnect'.
//
// `nodeFlags` (with `env`) are Node options the program wants that Node reads only at startup.
// When they are missing on Node 24, the process replaces itself with one that has them (same
// pid, same stdio: `process.execve`); a flag the user gave by name (or as `--no-<name>`), on the
// command line or in NODE_OPTIONS, wins.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import module from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// Node's compile cache keeps the type-stripped source of every module (and V8's code for it), so
// that later starts neither strip types again nor load the stripper, a WebAssembly module that
// stays resident for the life of the process (about 30 MiB: it matters to the long-lived
// controller manager). Written when a process exits; NODE_COMPILE_CACHE or
// NODE_DISABLE_COMPILE_CACHE, when set, win.
const compileCache = `${root}node_modules/.cache/kubefed-ts/compile`;

export async function runTypeScript(relativeEntry, { nodeFlags = [], env = {} } = {}) {
  const entry = fileURLToPath(new URL(relativeEntry, new URL('..', import.meta.url)));
  const major = Number(process.versions.node.split('.')[0]);
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  // `--no-foo` gives `--foo` too.
  const name = (arg) => arg.split('=')[0].replace(/^--no-/, '--');
  const missing = nodeFlags.filter((flag) => !given.some((arg) => name(arg) === name(flag)));
  if (major >= 24) {
    if (missing.length > 0 && typeof process.execve === 'function') {
      process.execve(
        process.execPath,
        [process.execPath, ...missing, ...process.execArgv, ...process.argv.slice(1)],
        { ...env, ...process.env },
      );
    }
    // Set for the child of an older Node's launcher (below); not passed on to its own children.
    if (process.env.KUBEFED_TS_LAUNCHED_BY_OLDER_NODE !== undefined) {
      delete process.env.KUBEFED_TS_LAUNCHED_BY_OLDER_NODE;
      stopWithLauncher();
    }
    module.enableCompileCache(compileCache);
    await import(pathToFileURL(entry).href);
    return;
  }
  const pinned = `${root}node_modules/node/bin/node`;
  if (!existsSync(pinned)) {
    console.error(
      `This program needs Node.js 24 (found ${process.version}). Run 'npm install' in ${root} first.`,
    );
    process.exit(1);
  }
  // The child runs this launcher again, on Node 24: see the branch above.
  const child = spawn(pinned, [...missing, ...process.argv.slice(1)], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...env, ...process.env, KUBEFED_TS_LAUNCHED_BY_OLDER_NODE: '1' },
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => child.kill(signal));
  }
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal ? 128 : 1);
  });
}

/** In the child of an older Node's launcher: SIGTERM ourselves once the launcher is gone. */
function stopWithLauncher() {
  // The channel must not keep a command that has finished alive.
  process.channel?.unref();
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}
