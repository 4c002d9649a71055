import { cspForProtocol } from './security-headers.js';

describe('cspForProtocol', () => {
  const policy = "default-src 'self';img-src 'self' data:";

  it('should leave the upgrade out over plain HTTP, where it would blank every page', () => {
    expect(cspForProtocol(policy, 'http')).toBe(policy);
  });

  it('should ask browsers to upgrade over HTTPS', () => {
    expect(cspForProtocol(policy, 'https')).toBe(`${policy};upgrade-insecure-requests`);
    expect(cspForProtocol(`${policy};upgrade-insecure-requests`, 'https')).toBe(`${policy};upgrade-insecure-requests`);
  });
});
