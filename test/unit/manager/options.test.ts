import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseManagerOptions } from '../../../src/manager/options.ts';

describe('--status-collection-window', () => {
  it('defaults to one second', () => {
    assert.equal(parseManagerOptions([]).statusCollectionWindowMs, 1000);
  });
  it('takes a Go duration, with underscores in the flag as klog does', () => {
    assert.equal(
      parseManagerOptions(['--status-collection-window', '250ms']).statusCollectionWindowMs,
      250,
    );
    assert.equal(parseManagerOptions(['--status_collection_window=0']).statusCollectionWindowMs, 0);
  });
  it('says what is wrong with a bad value', () => {
    assert.throws(
      () => parseManagerOptions(['--status-collection-window', 'soon']),
      /--status-collection-window must be a duration such as 500ms or 2s, got "soon"/,
    );
    assert.throws(
      () => parseManagerOptions(['--status-collection-window=-1s']),
      /--status-collection-window must not be negative/,
    );
  });
});
