import { loadConfig } from './app-config';
import { isIpv4Mapped, trustProxyBreadthProblem } from './trust-proxy';

describe('TRUST_PROXY breadth', () => {
  it.each([
    ['0.0.0.0/0'],
    ['0.0.0.0/1, 128.0.0.0/1'],
    ['10.0.0.0/7'],
    ['::/0'],
    ['2001::/31'],
    ['::ffff:0.0.0.0/96'],
    ['::ffff:0:0/96'],
    ['::FFFF:0:0/100'],
    ['::ffff:0:0/64'],
    ['10.0.0.0/8, 11.0.0.0/8, 12.0.0.0/8, 13.0.0.0/8, 14.0.0.0/8'],
  ])('refuses %s at start-up, naming TRUST_PROXY', (value) => {
    expect(() => loadConfig({ TRUST_PROXY: value })).toThrow(/TRUST_PROXY/);
  });

  it.each([
    ['10.0.0.0/8'],
    ['10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 127.0.0.1'],
    ['10.0.0.0/8, 11.0.0.0/8, 12.0.0.0/8, 13.0.0.0/8'],
    ['2001:db8::/32'],
    ['fd00:1234::/48, ::1'],
    ['::ffff:10.0.0.0/104'],
    ['::ffff:10.0.0.1'],
  ])('accepts %s', (value) => {
    const config = loadConfig({ TRUST_PROXY: value });
    expect(config.TRUST_PROXY).toEqual(value.split(',').map((e) => e.trim()));
  });

  it('names the entry that is too broad', () => {
    expect(trustProxyBreadthProblem(['127.0.0.1', '128.0.0.0/1'])).toContain('"128.0.0.0/1"');
    expect(trustProxyBreadthProblem(['127.0.0.1'])).toBeUndefined();
  });

  it('recognises IPv4-mapped IPv6 addresses in every spelling', () => {
    expect(isIpv4Mapped('::ffff:1.2.3.4')).toBe(true);
    expect(isIpv4Mapped('::ffff:0:0')).toBe(true);
    expect(isIpv4Mapped('0:0:0:0:0:ffff:0102:0304')).toBe(true);
    expect(isIpv4Mapped('::1')).toBe(false);
    expect(isIpv4Mapped('2001:db8::ffff:0:0')).toBe(false);
    expect(isIpv4Mapped('1.2.3.4')).toBe(false);
  });
});
