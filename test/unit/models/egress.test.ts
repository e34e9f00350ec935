import { describe, expect, it } from 'vitest';
import { checkEgress, EgressPolicy, isAllowedKeyEnv, unreachableEndpoint } from '../../../src/plugin-api/index.js';

/** DNS answers chosen by the test, so resolution-time checks are exercised without a network. */
const dns: Record<string, string[]> = { 'evil.example': ['93.184.216.34', '169.254.169.254'], 'v6.example': ['fe80::abcd'], 'api.example.com': ['203.0.113.7'], 'lan.example': ['10.0.0.5'] };
const lookup = async (h: string) => {
  if (!dns[h]) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${h}`), { code: 'ENOTFOUND' });
  return dns[h];
};
const policy = (p: Partial<EgressPolicy> = {}) => EgressPolicy.parse(p);
const check = (url: string, p = policy()) => checkEgress(url, p, 'm', lookup);

describe('checkEgress', () => {
  it('refuses a host that resolves to a link-local or metadata address, whatever its name', async () => {
    await expect(check('http://evil.example/v1')).rejects.toMatchObject({ code: 'LLMOS_EPERM', message: expect.stringContaining('169.254.169.254') });
    await expect(check('http://v6.example/v1')).rejects.toMatchObject({ code: 'LLMOS_EPERM' });
    await expect(check('http://100.100.100.200/')).rejects.toMatchObject({ code: 'LLMOS_EPERM' });
    await expect(check('http://[64:ff9b::a9fe:a9fe]/')).rejects.toMatchObject({ code: 'LLMOS_EPERM' });
    await expect(check('http://METADATA.google.internal./')).rejects.toMatchObject({ code: 'LLMOS_EPERM' });
    // allow lists cannot reopen them
    await expect(check('http://169.254.169.254/', policy({ allow: ['*', '0.0.0.0/0'] }))).rejects.toMatchObject({ code: 'LLMOS_EPERM' });
  });

  it('applies the operator\'s deny and allow lists by host pattern and CIDR', async () => {
    await expect(check('http://api.example.com/v1')).resolves.toBeUndefined();
    await expect(check('http://127.0.0.1:8080/v1')).resolves.toBeUndefined();
    await expect(check('http://lan.example/v1', policy({ deny: ['10.0.0.0/8'] }))).rejects.toMatchObject({ code: 'LLMOS_EPERM' });
    await expect(check('http://api.example.com/v1', policy({ deny: ['*.example.com'] }))).rejects.toMatchObject({ code: 'LLMOS_EPERM' });
    const allow = policy({ allow: ['*.example.com', '127.0.0.0/8'] });
    await expect(check('http://api.example.com/v1', allow)).resolves.toBeUndefined();
    await expect(check('http://127.0.0.2/v1', allow)).resolves.toBeUndefined();
    await expect(check('http://lan.example/v1', allow)).rejects.toMatchObject({ code: 'LLMOS_EPERM', message: expect.stringContaining('allow list') });
    await expect(check('http://[::1]/v1', allow)).rejects.toMatchObject({ code: 'LLMOS_EPERM' });
  });

  it('answers a name that does not resolve exactly as an endpoint that does not answer', async () => {
    const e = await check('http://nowhere.invalid/v1').catch((x: Error) => x);
    expect(e).toMatchObject({ code: 'LLMOS_EUNAVAILABLE', message: unreachableEndpoint('m').message });
    expect((e as Error).message).not.toContain('ENOTFOUND');
    await expect(check('file:///etc/passwd')).rejects.toMatchObject({ code: 'LLMOS_EINVAL' });
  });
});

describe('isAllowedKeyEnv', () => {
  it('admits LLMOS_KEY_* and listed names, never other LLMOS_ variables', () => {
    const listed = ['OPENAI_API_KEY', 'LLMOS_AUTH_TOKENS'];
    expect(['LLMOS_KEY_A', 'OPENAI_API_KEY'].map((n) => isAllowedKeyEnv(n, listed))).toEqual([true, true]);
    expect(['LLMOS_KEY_', 'LLMOS_AUTH_TOKENS', 'LLMOS_AUTH_TOKEN', 'LLMOS_ADMINS', 'HOME', 'AWS_SECRET_ACCESS_KEY'].map((n) => isAllowedKeyEnv(n, listed))).toEqual([false, false, false, false, false, false]);
  });
});
