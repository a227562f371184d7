import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const root = fileURLToPath(new URL('../../../', import.meta.url));

// A launcher like bin/kubefed-controller-manager.js, for an entry point that reports what it
// was started with.
let dir: string;
let launcher: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'run-ts-'));
  const entry = join(dir, 'entry.ts');
  writeFileSync(
    entry,
    `import module from 'node:module';
const report: { execArgv: string[]; arena: string | undefined; cache: string | undefined; pid: number } = {
  execArgv: process.execArgv,
  arena: process.env['MALLOC_ARENA_MAX'],
  cache: module.getCompileCacheDir(),
  pid: process.pid,
};
console.log(JSON.stringify(report));
`,
  );
  launcher = join(dir, 'launcher.js');
  writeFileSync(
    launcher,
    `import { runTypeScript } from ${JSON.stringify(join(root, 'bin', 'run-ts.js'))};
console.error(process.pid);
await runTypeScript(${JSON.stringify(entry)}, {
  nodeFlags: ['--max-semi-space-size=2', '--optimize-for-size'],
  env: { MALLOC_ARENA_MAX: '2' },
});
`,
  );
});
after(() => rmSync(dir, { recursive: true, force: true }));

interface Report {
  execArgv: string[];
  arena: string | undefined;
  cache: string | undefined;
  pid: number;
  /** The pid the launcher printed, once per time it ran. */
  launcherPids: number[];
}

async function launch(nodeArgs: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<Report> {
  const base = { ...process.env };
  delete base['NODE_COMPILE_CACHE'];
  delete base['NODE_DISABLE_COMPILE_CACHE'];
  delete base['MALLOC_ARENA_MAX'];
  const { stdout, stderr } = await execFileAsync(process.execPath, [...nodeArgs, launcher], {
    env: { ...base, ...env },
  });
  return {
    ...(JSON.parse(stdout) as Omit<Report, 'launcherPids'>),
    launcherPids: stderr.trim().split('\n').map(Number),
  };
}

describe('runTypeScript', () => {
  it('restarts in place with the Node flags and environment the program needs', async () => {
    const report = await launch();
    assert.deepEqual(
      report.execArgv.filter((a) => a.startsWith('--max-semi') || a.endsWith('for-size')),
      ['--max-semi-space-size=2', '--optimize-for-size'],
    );
    assert.equal(report.arena, '2');
    // The launcher ran twice, in the same process: before and after replacing itself.
    assert.deepEqual(report.launcherPids, [report.pid, report.pid]);
  });

  it('leaves a flag the user gave, also as --no-<flag>, to the user', async () => {
    const report = await launch(['--no-optimize-for-size', '--max-semi-space-size=8'], {
      MALLOC_ARENA_MAX: '4',
    });
    assert.deepEqual(
      report.execArgv.filter((a) => a.startsWith('--max-semi') || a.endsWith('for-size')),
      ['--no-optimize-for-size', '--max-semi-space-size=8'],
    );
    assert.equal(report.arena, '4');
    assert.deepEqual(report.launcherPids, [report.pid], 'nothing missing: no restart');
  });

  it("keeps the stripped TypeScript in node_modules' compile cache", async () => {
    const report = await launch();
    assert.equal(
      report.cache?.startsWith(join(root, 'node_modules', '.cache', 'kubefed-ts')),
      true,
    );
  });

  it('uses no compile cache when NODE_DISABLE_COMPILE_CACHE is set', async () => {
    const report = await launch([], { NODE_DISABLE_COMPILE_CACHE: '1' });
    assert.equal(report.cache, undefined);
  });
});
