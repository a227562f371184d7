import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sampleSum, samples } from '../../../bench/prometheus-text.ts';

const text = `# HELP federated_status_writes_total Number of status updates.
# TYPE federated_status_writes_total counter
federated_status_writes_total{controller="federateddeployment"} 42
federated_status_writes_total{controller="federatedconfigmap"} 7
federated_status_writes_total_extra 1000
status_collection_duration_seconds_sum{controller="federateddeployment"} 12.5
status_collection_duration_seconds_count{controller="federateddeployment"} 20
process_resident_memory_bytes 104857600
apiserver_request_total{code="201",resource="configmaps",subresource="",verb="POST"} 3 1700000000
`;

describe('Prometheus text samples', () => {
  it('reads the samples of exactly one name, with their labels', () => {
    assert.deepEqual(samples(text, 'federated_status_writes_total'), [
      { labels: { controller: 'federateddeployment' }, value: 42 },
      { labels: { controller: 'federatedconfigmap' }, value: 7 },
    ]);
    assert.deepEqual(samples(text, 'process_resident_memory_bytes'), [
      { labels: {}, value: 104857600 },
    ]);
    assert.equal(
      samples(text, 'apiserver_request_total')[0]?.value,
      3,
      'a timestamp is not the value',
    );
  });

  it('sums the samples that match the labels, 0 when none does', () => {
    assert.equal(
      sampleSum(text, 'federated_status_writes_total', { controller: 'federateddeployment' }),
      42,
    );
    assert.equal(sampleSum(text, 'federated_status_writes_total'), 49);
    assert.equal(sampleSum(text, 'federated_status_writes_total', { controller: 'nope' }), 0);
    assert.equal(sampleSum(text, 'status_collection_duration_seconds_sum'), 12.5);
  });
});
