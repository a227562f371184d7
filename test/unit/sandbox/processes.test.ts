import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive, startDetached } from '../../../src/sandbox/processes.ts';

describe('isAlive', () => {
  it('is true for a running process and false for one that is gone', () => {
    assert.equal(isAlive(process.pid), true);
    assert.equal(isAlive(2 ** 22 + 12345), false);
  });

  it('treats an exited process that nobody reaped (a zombie) as gone', async () => {
    // The shell starts `sleep 0.1` in the background, prints its PID, then becomes `sleep 5`, which
    // never reaps it: the short sleep exits and stays a zombie until the long one ends.
    const parent = spawn('sh', ['-c', 'sleep 0.1 & echo $!; exec sleep 5'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    try {
      const pid = Number(
        await new Promise<string>((resolve) =>
          parent.stdout.once('data', (d: Buffer) => resolve(d.toString())),
        ),
      );
      await sleep(400);
      assert.doesNotThrow(() => process.kill(pid, 0), 'the zombie still has its PID');
      assert.equal(isAlive(pid), false);
    } finally {
      parent.kill();
    }
  });
});

describe('startDetached', () => {
  it('adds the given environment to ours and writes the output to the log', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kubefed-processes-'));
    try {
      const log = join(dir, 'out.log');
      const { pid } = startDetached('sh', ['-c', 'echo "$KWOK_WORKDIR $HOME"'], log, {
        KWOK_WORKDIR: '/sandbox/kwok',
      });
      while (isAlive(pid)) await sleep(20);
      assert.equal(readFileSync(log, 'utf8'), `/sandbox/kwok ${process.env.HOME ?? ''}\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
