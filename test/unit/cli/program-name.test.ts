import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { programNameFor } from '../../../src/cli/program-name.ts';

describe('programNameFor', () => {
  it('is kubefedctl for the binary, the launcher run by node, or anything else', () => {
    for (const argv0 of [
      'kubefedctl',
      '/usr/local/bin/kubefedctl',
      '/work/node_modules/node/bin/node',
      'node',
      'kubectl',
      // The prefix alone names no plugin.
      'kubectl-',
      '',
    ]) {
      assert.equal(programNameFor(argv0), 'kubefedctl', argv0);
    }
  });

  it('is the kubectl command for a kubectl plugin name, with or without a directory', () => {
    assert.equal(programNameFor('kubectl-kubefed'), 'kubectl kubefed');
    assert.equal(programNameFor('/home/user/bin/kubectl-kubefed'), 'kubectl kubefed');
  });

  it('maps plugin names as kubectl does: dashes separate words, underscores are dashes', () => {
    assert.equal(programNameFor('kubectl-kube_fed'), 'kubectl kube-fed');
    assert.equal(programNameFor('kubectl-fed-ctl'), 'kubectl fed ctl');
  });
});
