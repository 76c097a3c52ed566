// SPEC §7.1 — IP lists: strict parsing, CIDRs, IPv4-mapped addresses, zone ids, fail-closed Deny.

import { describe, expect, it } from 'vitest';
import { compileCondition, conditionHolds, evaluateCondition, parseClientAddress, parseCondition } from '../../../src/core/conditions/index.js';
import { compileIpList, ipListContains, parseIpEntry, parseIpv4, parseIpv6 } from '../../../src/core/conditions/ip.js';
import { CofferError } from '../../../src/core/errors.js';

const NOW = Date.parse('2024-06-03T12:00:00Z');

/** Does `ip` satisfy the list, by the public pure evaluation (as an Allow)? */
function inside(list: string, ip: string | undefined): boolean {
  return evaluateCondition({ ipAddress: list }, ip === undefined ? { now: NOW } : { ip, now: NOW }).satisfied;
}

function problemsOf(list: string): { pointer: string; message: string }[] {
  try {
    parseCondition({ ipAddress: list });
  } catch (error) {
    if (error instanceof CofferError && error.code === 'VALIDATION') return [...(error.details ?? [])];
    throw error;
  }
  throw new Error(`\`${list}\` was accepted`);
}

describe('§7.1 strict IPv4', () => {
  it.each([
    ['010.1.1.1', 'a leading zero (octal in legacy parsers)'],
    ['10.1', 'fewer than four parts'],
    ['0x0a.1.1.1', 'a hexadecimal part'],
    ['4294967295', 'one 32-bit number'],
    ['1.2.3.256', 'a part above 255'],
    ['1.2.3.4.5', 'five parts'],
    ['1.2.3.04', 'a leading zero in the last part'],
    ['1.2.3.', 'an empty part'],
    ['+1.2.3.4', 'a sign'],
  ])('`%s` is not an IPv4 address (%s)', (text) => {
    expect(parseIpv4(text)).toBeNull();
    expect(problemsOf(text).map((d) => d.pointer)).toEqual(['/ipAddress']);
  });

  it('four decimal parts without leading zeros are an IPv4 address; a lone 0 part is fine', () => {
    expect(parseIpv4('0.0.0.0')).toBe(0);
    expect(parseIpv4('255.255.255.255')).toBe(0xffffffff);
    expect(parseIpv4('10.0.10.1')).toBe(0x0a000a01);
  });

  it('the same strict rule applies to an IPv4 tail inside IPv6', () => {
    expect(parseIpv6('::ffff:010.1.2.3')).toBeNull();
    expect(parseIpv6('::ffff:0x0a.1.2.3')).toBeNull();
    expect(parseIpv6('::ffff:1.2.3')).toBeNull();
    expect(parseIpv6('::ffff:1.2.3.4')).toEqual([0, 0, 0xffff, 0x01020304]);
  });
});

describe('§7.1 IPv6', () => {
  it('compressed, exploded, upper-case and dotted-tail forms name the same address', () => {
    const words = [0x20010db8, 0, 0, 0x01020304];
    for (const text of ['2001:db8::102:304', '2001:0db8:0000:0000:0000:0000:0102:0304', '2001:DB8::102:304', '2001:db8::1.2.3.4']) {
      expect(parseIpv6(text), text).toEqual(words);
    }
  });

  it('`::1.2.3.4` is the IPv4-compatible ::102:304, not the IPv4-mapped ::ffff:102:304', () => {
    expect(parseIpv6('::1.2.3.4')).toEqual([0, 0, 0, 0x01020304]);
    expect(inside('::1.2.3.4', '1.2.3.4')).toBe(false);
    expect(inside('::1.2.3.4', '::102:304')).toBe(true);
  });

  it.each(['1::2::3', '1::2:3:4:5:6:7:8', '12345::', '1:2:3:4:5:6:7:8:9', ':1::', 'g::1', '[::1]', '1:2:3:4:5:6:7:1.2.3.4'])('`%s` is not an IPv6 address', (text) => {
    expect(parseIpv6(text)).toBeNull();
    expect(problemsOf(text).map((d) => d.pointer)).toEqual(['/ipAddress']);
  });

  it('a `::` standing for a single group is accepted (`1:2:3:4:5:6:7::`)', () => {
    expect(parseIpv6('1:2:3:4:5:6:7::')).toEqual([0x00010002, 0x00030004, 0x00050006, 0x00070000]);
  });
});

describe('§7.1 CIDRs and lists', () => {
  it('a CIDR with host bits set means its network', () => {
    expect(inside('10.10.25.15/8', '10.200.1.1')).toBe(true);
    expect(inside('10.10.25.15/8', '11.0.0.0')).toBe(false);
    expect(inside('2001:db8:1:2:3:4:5:6/32', '2001:db8:ffff::1')).toBe(true);
    expect(parseIpEntry('10.10.25.15/8')).toEqual({ version: 4, first: 0x0a000000n, last: 0x0affffffn });
  });

  it('an address without a prefix is a single host (/32 or /128)', () => {
    expect(inside('10.10.25.15', '10.10.25.15')).toBe(true);
    expect(inside('10.10.25.15', '10.10.25.16')).toBe(false);
    expect(inside('2001:db8::1', '2001:db8::1')).toBe(true);
    expect(inside('2001:db8::1', '2001:db8::2')).toBe(false);
  });

  it('both ends of a network are inside it and their neighbours are not', () => {
    expect(inside('192.168.4.0/22', '192.168.4.0')).toBe(true);
    expect(inside('192.168.4.0/22', '192.168.7.255')).toBe(true);
    expect(inside('192.168.4.0/22', '192.168.3.255')).toBe(false);
    expect(inside('192.168.4.0/22', '192.168.8.0')).toBe(false);
  });

  it('/0 covers its whole family and only it', () => {
    expect(inside('0.0.0.0/0', '255.255.255.255')).toBe(true);
    expect(inside('0.0.0.0/0', '::1')).toBe(false);
    expect(inside('::/0', 'ffff::1')).toBe(true);
    expect(inside('::/0', '10.0.0.1')).toBe(false);
  });

  it('prefix lengths are bounded: /33 on IPv4 and /129 on IPv6 are VALIDATION', () => {
    expect(problemsOf('1.2.3.4/33')).toEqual([{ pointer: '/ipAddress', message: expect.stringContaining('at most 32') }]);
    expect(problemsOf('2001:db8::/129')).toEqual([{ pointer: '/ipAddress', message: expect.stringContaining('at most 128') }]);
  });

  it.each(['10.0.0.0/', '10.0.0.0/08', '10.0.0.0/-1', '10.0.0.0/+8', '10.0.0.0/8/8', '10.0.0.0/255.0.0.0'])('a malformed prefix (`%s`) is VALIDATION', (text) => {
    expect(problemsOf(text).map((d) => d.pointer)).toEqual(['/ipAddress']);
  });

  it('a comma list ignores spaces around entries; the list is kept exactly as given', () => {
    const list = ' 10.0.0.0/8 ,\t192.168.1.1,  2001:db8::/32 ';
    expect(parseCondition({ ipAddress: list })?.ipAddress).toBe(list);
    expect(inside(list, '10.9.9.9')).toBe(true);
    expect(inside(list, '192.168.1.1')).toBe(true);
    expect(inside(list, '2001:db8::5')).toBe(true);
    expect(inside(list, '192.168.1.2')).toBe(false);
  });

  it('an empty entry in a list is VALIDATION, reported once', () => {
    expect(problemsOf('10.0.0.1,')).toHaveLength(1);
    expect(problemsOf('10.0.0.1,,10.0.0.2,')).toHaveLength(1);
    expect(problemsOf(' ')).toHaveLength(1);
  });

  it('every bad entry of a list is reported, each at /ipAddress', () => {
    const details = problemsOf('10.1, 1.2.3.4/33, fine.example, 10.0.0.0/8');
    expect(details).toHaveLength(3);
    expect(new Set(details.map((d) => d.pointer))).toEqual(new Set(['/ipAddress']));
    expect(details[0]!.message).toContain('`10.1`');
  });

  it('an IPv6 zone id in a list is VALIDATION', () => {
    expect(problemsOf('fe80::1%eth0')[0]!.message).toContain('zone id');
    expect(problemsOf('10.0.0.0/8, fe80::%eth0/64')).toHaveLength(1);
  });

  it('overlapping and adjacent entries merge into one range without changing the answer', () => {
    const list = compileIpList('10.0.0.0/9, 10.128.0.0/9, 10.1.2.3, 10.0.0.0/8');
    expect([...list.v4Starts]).toEqual([0x0a000000]);
    expect([...list.v4Ends]).toEqual([0x0affffff]);
  });
});

describe('§7.1 IPv4-mapped addresses', () => {
  it('an IPv4-mapped entry means its IPv4 network', () => {
    expect(inside('::ffff:10.0.0.0/104', '10.200.1.1')).toBe(true);
    expect(inside('::ffff:10.0.0.0/104', '11.0.0.1')).toBe(false);
    expect(inside('::ffff:a00:0/104', '10.1.2.3')).toBe(true);
    expect(parseIpEntry('::ffff:10.1.2.3')).toEqual({ version: 4, first: 0x0a010203n, last: 0x0a010203n });
  });

  it('an IPv4-mapped entry whose prefix is below 96 is VALIDATION', () => {
    expect(problemsOf('::ffff:10.0.0.0/95')[0]!.message).toContain('at least 96');
    expect(problemsOf('::ffff:0:0/64')).toHaveLength(1);
  });

  it('::ffff:0:0/96 is every IPv4 address', () => {
    expect(inside('::ffff:0:0/96', '1.2.3.4')).toBe(true);
    expect(inside('::ffff:0:0/96', '2001:db8::1')).toBe(false);
  });

  it('an IPv4-mapped client is treated as its IPv4 address', () => {
    expect(inside('10.0.0.0/8', '::ffff:10.1.2.3')).toBe(true);
    expect(inside('10.0.0.0/8', '::ffff:a01:203')).toBe(true);
    expect(parseClientAddress('::ffff:10.1.2.3')).toMatchObject({ version: 4, v4: 0x0a010203 });
  });

  it('IPv4 clients match IPv4 entries only: an IPv6 range that spans ::ffff:0:0/96 does not catch them', () => {
    expect(inside('::/0', '::ffff:10.1.2.3')).toBe(false);
    expect(inside('::/64', '10.1.2.3')).toBe(false);
  });
});

describe('§7.1 request IPs', () => {
  it('a request without an IP does not satisfy an IP list', () => {
    expect(evaluateCondition({ ipAddress: '0.0.0.0/0' }, { now: NOW })).toEqual({ satisfied: false, failed: ['ipAddress'], approvalRequired: false });
  });

  it.each(['010.1.1.1', '10.1', '0x0a.1.1.1', 'fe80::1%eth0', ' 10.0.0.1', '10.0.0.1/32', 'localhost', ''])('a request IP `%s` that is unparseable or zoned does not satisfy a list', (ip) => {
    expect(parseClientAddress(ip)).toBeNull();
    expect(inside('0.0.0.0/0, ::/0', ip)).toBe(false);
  });

  it('in a Deny policy a missing or unparseable request IP counts as inside the list (fail closed)', () => {
    const compiled = compileCondition(parseCondition({ ipAddress: '10.0.0.0/8' })!);
    expect(conditionHolds(compiled, null, NOW, true)).toBe(true);
    expect(conditionHolds(compiled, parseClientAddress('010.1.1.1'), NOW, true)).toBe(true);
    expect(conditionHolds(compiled, null, NOW, false)).toBe(false);
    // a parseable address outside the list is outside, Deny or not
    expect(conditionHolds(compiled, parseClientAddress('11.0.0.1'), NOW, true)).toBe(false);
  });

  it('a parsed client is reused across decisions: the check reads numbers only', () => {
    const list = compileIpList('10.0.0.0/8, 2001:db8::/32');
    const v4 = parseClientAddress('10.1.2.3')!;
    const v6 = parseClientAddress('2001:db8::9')!;
    expect(Object.isFrozen(v4)).toBe(true);
    expect(ipListContains(list, v4)).toBe(true);
    expect(ipListContains(list, v6)).toBe(true);
  });
});
