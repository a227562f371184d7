import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  alternation,
  compare,
  hostWrites,
  median,
  memberWrites,
  METRICS,
  ratio,
  renderTable,
  type Metric,
} from '../../../bench/side-by-side-table.ts';
import { delta } from '../../../bench/writes.ts';

const cold: Metric = { key: 'cold_s', label: 'cold: s' };
const noop: Metric = { key: 'noop_member_writes', label: 'no-op: member writes' };

describe('side-by-side benchmark', () => {
  it('alternates who goes first, round by round (ABBA)', () => {
    assert.deepEqual(alternation(1), [['ours', 'original']]);
    assert.deepEqual(alternation(3), [
      ['ours', 'original'],
      ['original', 'ours'],
      ['ours', 'original'],
    ]);
  });

  it('refuses a number of rounds that is not a whole number of at least 1', () => {
    for (const bad of [0, -1, 1.5, NaN]) {
      assert.throws(() => alternation(bad), /rounds must be a whole number of at least 1/);
    }
  });

  it('takes the median, the mean of the middle two for an even count, NaN for none', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(median([7]), 7);
    assert.ok(Number.isNaN(median([])));
    assert.equal(median([NaN, 5]), 5, 'a missing figure does not count');
  });

  it('divides ours by the original, with no ratio where the original is 0 or missing', () => {
    assert.equal(ratio(1, 2), 0.5);
    assert.equal(ratio(10, 3), 3.33);
    assert.equal(ratio(0, 4), 0);
    assert.equal(ratio(0, 0), undefined);
    assert.equal(ratio(5, 0), undefined);
    assert.equal(ratio(5, NaN), undefined);
    assert.equal(ratio(NaN, 5), undefined);
  });

  it('compares the medians of each implementation per metric', () => {
    const rows = compare(
      [
        { implementation: 'ours', figures: { cold_s: 2, noop_member_writes: 0 } },
        { implementation: 'original', figures: { cold_s: 8, noop_member_writes: 0 } },
        { implementation: 'ours', figures: { cold_s: 4, noop_member_writes: 0 } },
        { implementation: 'original', figures: { cold_s: 12, noop_member_writes: 0 } },
      ],
      [cold, noop],
    );
    assert.deepEqual(rows, [
      { metric: cold, ours: 3, original: 10, ratio: 0.3 },
      { metric: noop, ours: 0, original: 0, ratio: undefined },
    ]);
  });

  it('shows a figure no run reported as missing, not as 0', () => {
    const [row] = compare([{ implementation: 'ours', figures: { cold_s: 1 } }], [cold]);
    assert.ok(row !== undefined && Number.isNaN(row.original));
    assert.equal(row.ratio, undefined);
    assert.match(renderTable([{ name: 'defaults', rows: [row] }]), /\| cold: s \| 1 \| – \| – \|/);
  });

  it('renders one row per metric and three columns per setting', () => {
    const table = renderTable([
      {
        name: 'defaults',
        rows: [
          { metric: cold, ours: 3, original: 10, ratio: 0.3 },
          { metric: noop, ours: 0, original: 0, ratio: undefined },
        ],
      },
      {
        name: 'equal',
        rows: [
          { metric: cold, ours: 1.234, original: 2, ratio: 0.62 },
          { metric: noop, ours: 1, original: 4, ratio: 0.25 },
        ],
      },
    ]);
    assert.equal(
      table,
      [
        '| phase: figure | defaults: ours | defaults: original | defaults: ratio | equal: ours | equal: original | equal: ratio |',
        '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
        '| cold: s | 3 | 10 | 0.3 | 1.23 | 2 | 0.62 |',
        '| no-op: member writes | 0 | 0 | – | 1 | 4 | 0.25 |',
      ].join('\n'),
    );
  });

  it('refuses settings that list different metrics, and no settings at all', () => {
    assert.throws(() => renderTable([]), /no settings/);
    assert.throws(
      () =>
        renderTable([
          { name: 'a', rows: [{ metric: cold, ours: 1, original: 1, ratio: 1 }] },
          { name: 'b', rows: [{ metric: noop, ours: 1, original: 1, ratio: 1 }] },
        ]),
      /setting "b" lists other metrics than "a"/,
    );
  });

  it('names every metric once', () => {
    const keys = METRICS.map((m) => m.key);
    assert.equal(new Set(keys).size, keys.length);
  });

  it('counts host writes without the leader lock ConfigMap, member writes of every member', () => {
    const d = new Map([
      [
        'host',
        delta(
          new Map(),
          new Map([
            ['PUT federatedconfigmaps/status', 10],
            ['PUT configmaps', 12],
            ['POST leases', 3],
            ['POST events', 4],
            ['GET federatedconfigmaps', 50],
          ]),
        ),
      ],
      ['member1', delta(new Map(), new Map([['POST configmaps', 7]]))],
      ['member2', delta(new Map([['POST configmaps', 1]]), new Map([['POST configmaps', 6]]))],
    ]);
    assert.equal(hostWrites(d), 10);
    assert.equal(memberWrites(d), 12);
    assert.equal(hostWrites(new Map()), 0);
  });
});
