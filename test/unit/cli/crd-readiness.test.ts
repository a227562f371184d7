import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crdReadiness } from '../../../src/cli/crd-readiness.ts';

describe('CRD readiness', () => {
  it('reads CRD readiness from its conditions', () => {
    assert.deepEqual(
      crdReadiness({ status: { conditions: [{ type: 'Established', status: 'True' }] } }),
      {
        established: true,
      },
    );
    assert.deepEqual(crdReadiness({}), { established: false });
    assert.deepEqual(
      crdReadiness({
        status: { conditions: [{ type: 'NamesAccepted', status: 'False', message: 'taken' }] },
      }),
      { established: false, problem: 'taken' },
    );
  });
});
