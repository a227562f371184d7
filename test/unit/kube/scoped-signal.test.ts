import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { describe, it } from 'node:test';
import { scopedSignal } from '../../../src/kube/scoped-signal.ts';

describe('scopedSignal', () => {
  it('aborts with its parent, with the parent reason', () => {
    const parent = new AbortController();
    const scoped = scopedSignal([parent.signal]);
    const reason = new Error('term over');
    parent.abort(reason);
    assert.equal(scoped.signal.aborted, true);
    assert.equal(scoped.signal.reason, reason);
    assert.equal(scoped.timedOut(), false);
  });

  it('starts aborted when a parent already is', () => {
    const parent = new AbortController();
    parent.abort(new Error('gone'));
    assert.equal(scopedSignal([undefined, parent.signal], 1000).signal.aborted, true);
  });

  it('times out on its own, and says so', async () => {
    const scoped = scopedSignal([new AbortController().signal], 5);
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(scoped.signal.aborted, true);
    assert.equal(scoped.timedOut(), true);
    assert.equal((scoped.signal.reason as DOMException).name, 'TimeoutError');
  });

  it('leaves nothing behind in a long-lived parent once disposed (unlike AbortSignal.any)', () => {
    const term = new AbortController();
    for (let i = 0; i < 10_000; i++) {
      const scoped = scopedSignal([term.signal], 30_000);
      scoped.signal.addEventListener('abort', () => undefined);
      scoped.dispose();
    }
    assert.equal(getEventListeners(term.signal, 'abort').length, 0);
  });

  it('no longer follows its parent after dispose, and its timer is cleared', async () => {
    const parent = new AbortController();
    const scoped = scopedSignal([parent.signal], 5);
    scoped.dispose();
    parent.abort();
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(scoped.signal.aborted, false);
  });
});
