import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ADDRESSES_PER_CLUSTER,
  addressAt,
  addressBlock,
  inBlock,
  MAX_CLUSTERS,
  planAddresses,
  type Balanced,
} from '../../../src/sandbox/load-balancer-addresses.ts';

const block = addressBlock(1);
const lb = (key: string, ips: string[] = []): Balanced => ({
  kind: 'Service',
  key,
  type: 'LoadBalancer',
  ips,
});
const ingress = (key: string, ips: string[] = []): Balanced => ({ kind: 'Ingress', key, ips });

describe('addressBlock', () => {
  it('gives each cluster its own /16 of loopback, host first', () => {
    assert.equal(addressBlock(0), '127.100');
    assert.equal(addressBlock(1), '127.101');
    assert.equal(addressBlock(MAX_CLUSTERS - 1), '127.254');
  });

  it('refuses an index without a block', () => {
    assert.throws(() => addressBlock(MAX_CLUSTERS), /clusters 0\.\.154, not 155/);
    assert.throws(() => addressBlock(-1), /not -1/);
    assert.throws(() => addressBlock(1.5), /not 1\.5/);
  });
});

describe('addressAt and inBlock', () => {
  it('skips .0 and .255 in the last octet', () => {
    assert.equal(addressAt(block, 0), '127.101.0.1');
    assert.equal(addressAt(block, 253), '127.101.0.254');
    assert.equal(addressAt(block, 254), '127.101.1.1');
    assert.equal(addressAt(block, ADDRESSES_PER_CLUSTER - 1), '127.101.255.254');
  });

  it('knows its own addresses and no others', () => {
    for (const n of [0, 253, 254, ADDRESSES_PER_CLUSTER - 1]) {
      assert.ok(inBlock(block, addressAt(block, n)));
    }
    for (const ip of [
      '127.102.0.1',
      '127.1010.0.1',
      '127.101.0.0',
      '127.101.0.255',
      '127.101.256.1',
      '127.101.0',
      '127.101.0.1.2',
      '127.101.a.1',
      '10.0.0.1',
    ]) {
      assert.equal(inBlock(block, ip), false, ip);
    }
  });
});

describe('planAddresses', () => {
  it('gives Services of type LoadBalancer and Ingresses one address each', () => {
    assert.deepEqual(planAddresses(block, [lb('ns/b'), ingress('ns/a'), lb('ns/a')]), [
      { kind: 'Ingress', key: 'ns/a', ip: '127.101.0.1' },
      { kind: 'Service', key: 'ns/a', ip: '127.101.0.2' },
      { kind: 'Service', key: 'ns/b', ip: '127.101.0.3' },
    ]);
  });

  it('does not depend on the order objects are listed in', () => {
    const objects = [lb('ns/c'), lb('ns/a'), ingress('x/y'), lb('ns/b')];
    assert.deepEqual(planAddresses(block, objects), planAddresses(block, objects.reverse()));
  });

  it('keeps an address given before and fills the gaps with new ones', () => {
    assert.deepEqual(planAddresses(block, [lb('ns/a', ['127.101.0.2']), lb('ns/b'), lb('ns/c')]), [
      { kind: 'Service', key: 'ns/b', ip: '127.101.0.1' },
      { kind: 'Service', key: 'ns/c', ip: '127.101.0.3' },
    ]);
  });

  it('writes nothing when every object has its address', () => {
    assert.deepEqual(
      planAddresses(block, [lb('ns/a', ['127.101.0.1']), ingress('ns/a', ['127.101.0.2'])]),
      [],
    );
  });

  it('leaves other Services alone', () => {
    assert.deepEqual(
      planAddresses(block, [
        { kind: 'Service', key: 'ns/c', type: 'ClusterIP', ips: [] },
        { kind: 'Service', key: 'ns/n', type: 'NodePort', ips: [] },
        { kind: 'Service', key: 'ns/x', type: undefined, ips: [] },
      ]),
      [],
    );
  });

  it('leaves the status of a Service that is not of type LoadBalancer alone', () => {
    assert.deepEqual(
      planAddresses(block, [
        { kind: 'Service', key: 'ns/a', type: 'ClusterIP', ips: ['127.101.0.1'] },
        { kind: 'Service', key: 'ns/b', type: 'ExternalName', ips: ['10.1.1.1'] },
      ]),
      [],
    );
  });

  it('replaces addresses of another block, several addresses, and a duplicate', () => {
    assert.deepEqual(
      planAddresses(block, [
        lb('ns/a', ['127.101.0.1']),
        lb('ns/b', ['127.101.0.1']),
        lb('ns/c', ['127.102.0.1']),
        lb('ns/d', ['127.101.0.9', '127.101.0.8']),
      ]),
      [
        { kind: 'Service', key: 'ns/b', ip: '127.101.0.2' },
        { kind: 'Service', key: 'ns/c', ip: '127.101.0.3' },
        { kind: 'Service', key: 'ns/d', ip: '127.101.0.4' },
      ],
    );
  });

  it('says so when the block is full', () => {
    const full = Array.from({ length: ADDRESSES_PER_CLUSTER }, (_, n) =>
      lb(`ns/s${String(n).padStart(6, '0')}`, [addressAt(block, n)]),
    );
    assert.deepEqual(planAddresses(block, full), []);
    assert.throws(
      () => planAddresses(block, [...full, ingress('ns/late')]),
      /no address left in 127\.101\.0\.0\/16 for Ingress ns\/late/,
    );
  });
});
