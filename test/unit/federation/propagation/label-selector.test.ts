// Matching and validation outcomes were checked against apimachinery's LabelSelectorAsSelector.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LabelSelector } from '../../../../src/apis/types.ts';
import {
  parseLabelSelector,
  selectorMatches,
} from '../../../../src/federation/propagation/label-selector.ts';

function matches(
  selector: LabelSelector | null | undefined,
  labels?: Record<string, string>,
): boolean {
  const parsed = parseLabelSelector(selector);
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.errors.join('; '));
  return selectorMatches(parsed.selector, labels);
}

function invalid(selector: unknown): string[] {
  const result = parseLabelSelector(selector as LabelSelector);
  assert.equal(result.ok, false, `expected ${JSON.stringify(selector)} to be invalid`);
  return result.errors;
}

describe('label selectors', () => {
  it('absent or null selects nothing', () => {
    assert.equal(matches(undefined, { a: 'b' }), false);
    assert.equal(matches(null, {}), false);
  });
  it('empty selects everything', () => {
    assert.equal(matches({}, {}), true);
    assert.equal(matches({ matchLabels: {}, matchExpressions: [] }, undefined), true);
    assert.equal(
      matches({ matchLabels: null, matchExpressions: null } as unknown as LabelSelector, {
        a: 'b',
      }),
      true,
    );
  });
  it('matchLabels requires every pair', () => {
    const sel = { matchLabels: { env: 'prod', region: 'eu' } };
    assert.equal(matches(sel, { env: 'prod', region: 'eu', extra: 'x' }), true);
    assert.equal(matches(sel, { env: 'prod' }), false);
    assert.equal(matches(sel, { env: 'dev', region: 'eu' }), false);
  });
  it('matchLabels with an empty value needs the label present and empty', () => {
    assert.equal(matches({ matchLabels: { a: '' } }, { a: '' }), true);
    assert.equal(matches({ matchLabels: { a: '' } }, {}), false);
  });
  it('In / NotIn / Exists / DoesNotExist', () => {
    const labels = { env: 'prod' };
    assert.equal(
      matches(
        { matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'dev'] }] },
        labels,
      ),
      true,
    );
    assert.equal(
      matches({ matchExpressions: [{ key: 'env', operator: 'In', values: ['dev'] }] }, labels),
      false,
    );
    assert.equal(
      matches({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['x'] }] }, labels),
      false,
    );
    assert.equal(
      matches({ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] }, labels),
      false,
    );
    assert.equal(
      matches({ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['dev'] }] }, labels),
      true,
    );
    assert.equal(
      matches({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['x'] }] }, labels),
      true,
    );
    assert.equal(matches({ matchExpressions: [{ key: 'env', operator: 'Exists' }] }, labels), true);
    assert.equal(
      matches({ matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, labels),
      false,
    );
    assert.equal(
      matches({ matchExpressions: [{ key: 'env', operator: 'DoesNotExist' }] }, labels),
      false,
    );
    assert.equal(
      matches(
        { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist', values: [] }] },
        labels,
      ),
      true,
    );
  });
  it('matchLabels and matchExpressions are ANDed', () => {
    const sel = {
      matchLabels: { env: 'prod' },
      matchExpressions: [{ key: 'tier', operator: 'Exists' }],
    };
    assert.equal(matches(sel, { env: 'prod', tier: 'web' }), true);
    assert.equal(matches(sel, { env: 'prod' }), false);
  });
  it('accepts prefixed keys and the full value alphabet', () => {
    assert.equal(
      matches(
        { matchLabels: { 'kubernetes.io/role': 'A_b.c-1' } },
        { 'kubernetes.io/role': 'A_b.c-1' },
      ),
      true,
    );
  });
  it('does not see inherited properties as labels', () => {
    assert.equal(
      matches({ matchExpressions: [{ key: 'constructor', operator: 'Exists' }] }, {}),
      false,
    );
  });
});

describe('label selector validation', () => {
  it('rejects unknown operators', () => {
    assert.deepEqual(invalid({ matchExpressions: [{ key: 'a', operator: 'in', values: ['x'] }] }), [
      '"in" is not a valid label selector operator',
    ]);
    invalid({ matchExpressions: [{ key: 'a', operator: 'Equals', values: ['x'] }] });
    invalid({ matchExpressions: [{ key: 'a' }] });
  });
  it('In and NotIn need values; Exists and DoesNotExist take none', () => {
    invalid({ matchExpressions: [{ key: 'a', operator: 'In' }] });
    invalid({ matchExpressions: [{ key: 'a', operator: 'NotIn', values: [] }] });
    invalid({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] });
    invalid({ matchExpressions: [{ key: 'a', operator: 'DoesNotExist', values: [''] }] });
  });
  it('rejects bad keys', () => {
    for (const key of [
      '',
      '-a',
      'a-',
      'a b',
      'a/b/c',
      '/a',
      'a/',
      'A_B.example.com/x',
      'a'.repeat(64),
      `${'a'.repeat(254)}/x`,
    ]) {
      const errors = invalid({ matchLabels: { [key]: 'v' } });
      assert.match(errors[0] ?? '', /^key: Invalid value/, key);
    }
    assert.equal(
      matches({ matchLabels: { ['a'.repeat(63)]: 'v' } }, { ['a'.repeat(63)]: 'v' }),
      true,
    );
  });
  it('rejects bad values', () => {
    for (const value of ['-x', 'x-', 'a b', 'v'.repeat(64), 'é']) {
      const errors = invalid({
        matchExpressions: [{ key: 'a', operator: 'In', values: ['ok', value] }],
      });
      assert.match(errors[0] ?? '', /^values: Invalid value/, value);
    }
  });
  it('rejects wrongly typed fields', () => {
    invalid({ matchLabels: { a: 1 } });
    invalid({ matchLabels: [] });
    invalid({ matchExpressions: {} });
    invalid({ matchExpressions: ['x'] });
    invalid({ matchExpressions: [{ key: 'a', operator: 'In', values: [1] }] });
    invalid('x');
  });
  it('collects every error', () => {
    const errors = invalid({
      matchLabels: { '-a': 'v', b: '-v' },
      matchExpressions: [{ key: 'c', operator: 'Nope' }],
    });
    assert.equal(errors.length, 3);
  });
});

describe('selectorMatches', () => {
  it('reuses a compiled selector', () => {
    const parsed = parseLabelSelector({ matchLabels: { a: 'b' } });
    assert.ok(parsed.ok);
    assert.equal(selectorMatches(parsed.selector, { a: 'b' }), true);
    assert.equal(selectorMatches(parsed.selector, undefined), false);
  });
});
