import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Pool, request } from 'undici';
import { fencedDispatcher } from '../../../src/kube/write-fence.ts';
import { startServer } from './test-server.ts';

describe('fencedDispatcher', () => {
  it('sends while the fence is open', async () => {
    const server = await startServer(() => ({ body: { ok: true } }));
    const pool = new Pool(server.url);
    try {
      const fenced = fencedDispatcher(
        pool,
        () => true,
        () => new Error('fenced'),
      );
      const response = await request(`${server.url}/w`, { method: 'POST', dispatcher: fenced });
      assert.equal(response.statusCode, 200);
      await response.body.text();
      assert.deepEqual(
        server.requests.map((r) => r.method),
        ['POST'],
      );
    } finally {
      await pool.close();
      await server.close();
    }
  });

  it('refuses a request that waited for a connection while the fence closed: it is never sent', async () => {
    const server = await startServer((req) => ({
      body: { ok: true },
      delayMs: req.method === 'GET' ? 300 : 0,
    }));
    // One connection: the write waits in the pool behind the slow read.
    const pool = new Pool(server.url, { connections: 1 });
    let open = true;
    try {
      const fenced = fencedDispatcher(
        pool,
        () => open,
        () => new Error('fenced'),
      );
      const read = request(`${server.url}/r`, { dispatcher: pool });
      const write = request(`${server.url}/w`, { method: 'POST', dispatcher: fenced });
      for (let i = 0; pool.stats.queued === 0; i++) {
        assert.ok(i < 200, 'the write never waited in the pool');
        await new Promise((r) => setTimeout(r, 5));
      }
      open = false;
      await assert.rejects(write, { message: 'fenced' });
      await (await read).body.text();
      assert.deepEqual(
        server.requests.map((r) => r.method),
        ['GET'],
      );
    } finally {
      await pool.close();
      await server.close();
    }
  });
});
