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

describe('--max-member-rewrites', () => {
  it('defaults to 5; 0 never stops', () => {
    assert.equal(parseManagerOptions([]).maxMemberRewrites, 5);
    assert.equal(parseManagerOptions(['--max-member-rewrites', '0']).maxMemberRewrites, 0);
    assert.equal(parseManagerOptions(['--max_member_rewrites=2']).maxMemberRewrites, 2);
  });
  it('refuses anything but a whole number >= 0', () => {
    for (const value of ['-1', '2.5', 'many']) {
      assert.throws(
        () => parseManagerOptions([`--max-member-rewrites=${value}`]),
        new RegExp(`--max-member-rewrites must be a whole number >= 0, got "${value}"`),
      );
    }
  });
});

describe('--logging-format and --v', () => {
  it('logs klog text by default, JSON by flag, and refuses other formats', () => {
    assert.equal(parseManagerOptions([]).loggingFormat, 'text');
    assert.equal(parseManagerOptions(['--logging-format=json']).loggingFormat, 'json');
    assert.equal(parseManagerOptions(['--logging_format', 'text']).loggingFormat, 'text');
    assert.throws(
      () => parseManagerOptions(['--logging-format=logfmt']),
      /--logging-format must be text or json, got "logfmt"/,
    );
  });
  it('takes the verbosity in each way klog does', () => {
    assert.equal(parseManagerOptions([]).verbosity, 0);
    for (const args of [['--v=2'], ['--v', '2'], ['-v', '2'], ['-v=2']]) {
      assert.equal(parseManagerOptions(args).verbosity, 2, args.join(' '));
    }
    assert.throws(() => parseManagerOptions(['-v=-1']), /--v must be a number >= 0, got "-1"/);
  });
  it('takes the last of a repeated flag, so a test can override a default it passes', () => {
    assert.equal(
      parseManagerOptions(['--logging-format=json', '--logging-format=text']).loggingFormat,
      'text',
    );
  });
});
