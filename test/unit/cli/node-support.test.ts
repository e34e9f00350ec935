import { describe, expect, it } from 'vitest';
import { SUPPORTED_NODE, unsupportedNodeLine } from '../../../src/cli/node-support.js';

describe('the Node.js versions llmos serve accepts without a warning', () => {
  it('is package.json engines: 20.19+, 22.12+ and 24, the three CI runs', () => {
    expect(SUPPORTED_NODE).toBe('^20.19.0 || ^22.12.0 || ^24.0.0');
  });

  it.each(['20.19.0', '20.20.2', '22.12.0', '22.23.5', '24.0.0', '24.22.3'])('says nothing on %s', (v) => {
    expect(unsupportedNodeLine(v)).toBeUndefined();
  });

  it.each(['18.20.4', '20.18.3', '21.7.3', '22.11.0', '23.11.1', '25.2.0'])('prints one line naming %s and the supported range', (v) => {
    const line = unsupportedNodeLine(v);
    expect(line).toMatch(new RegExp(`^llmos: Node\\.js ${v.replace(/\./g, '\\.')} is not supported \\(supported: \\^20\\.19\\.0 \\|\\| \\^22\\.12\\.0 \\|\\| \\^24\\.0\\.0\\)`));
    expect(line).not.toContain('\n');
  });

  it('is silent on the Node running this test (CI runs it on 20, 22 and 24)', () => {
    expect(unsupportedNodeLine()).toBeUndefined();
  });
});
