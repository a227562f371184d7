import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive } from '../../../src/sandbox/processes.ts';

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
