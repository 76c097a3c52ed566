// IP lists of a condition: strict parsing of IPv4 / IPv6 addresses
// and CIDRs, compilation of a list into sorted numeric ranges, and the per-decision
// membership test. The only module that touches ipaddr.js.
//
// ipaddr.js alone is too lenient for our IP lists: it accepts `010.1.1.1` (octal), `10.1`,
// `0x0a.1.1.1`, `4294967295`, the same legacy forms inside IPv6 (`::ffff:010.1.2.3`),
// and it reads `::1.2.3.4` as `::ffff:1.2.3.4`. So IPv4 (also when embedded in IPv6)
// is parsed here by the four-decimal-parts rule, and ipaddr.js only ever sees the
// pure hexadecimal form of an IPv6 address.

import ipaddr from 'ipaddr.js';
import { invalid } from '../errors.js';

/**
 * A request IP, parsed once per session. An IPv4-mapped IPv6 address
 * (`::ffff:10.1.2.3`) is its IPv4 address (`version: 4`).
 * IPv6 is four unsigned 32-bit words, most significant first; for IPv4 they are 0.
 */
export interface ClientAddress {
  readonly text: string;
  readonly version: 4 | 6;
  /** The IPv4 address as an unsigned 32-bit number (0 for IPv6). */
  readonly v4: number;
  readonly w0: number;
  readonly w1: number;
  readonly w2: number;
  readonly w3: number;
}

/** A compiled IP list: disjoint, sorted, inclusive ranges per address family. */
export interface CompiledIpList {
  // Plain number arrays (not typed arrays), so a deep freeze of a compiled policy cannot throw.
  /** v4Starts[i] ≤ v4Ends[i] < v4Starts[i + 1]; unsigned 32-bit values. */
  readonly v4Starts: readonly number[];
  readonly v4Ends: readonly number[];
  /** Four unsigned 32-bit words per range, most significant first. */
  readonly v6Starts: readonly number[];
  readonly v6Ends: readonly number[];
  readonly v6Count: number;
}

/** One entry of a list after parsing: a network in one family (mapped entries already IPv4). */
export interface IpNetwork {
  readonly version: 4 | 6;
  /** First and last address of the network, as bigints (32 or 128 bits). */
  readonly first: bigint;
  readonly last: bigint;
}

const DECIMAL_OCTET = /^(?:0|[1-9][0-9]{0,2})$/;
const PREFIX = /^(?:0|[1-9][0-9]{0,2})$/;
const HEX_V6 = /^[0-9A-Fa-f:]+$/;
// Characters that may surround entries of a list: ASCII spaces, tabs and line breaks.
function isSpace(unit: number): boolean {
  return unit === 0x20 || unit === 0x09 || unit === 0x0d || unit === 0x0a;
}

/** `text` without the spaces around it, by index (a regex for this can be quadratic). O(length). */
function trimSpaces(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isSpace(text.charCodeAt(start))) start++;
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

/** Strict IPv4: exactly four decimal parts 0–255 without leading zeros; else null. */
export function parseIpv4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!DECIMAL_OCTET.test(part)) return null;
    const octet = Number(part);
    if (octet > 255) return null;
    value = value * 256 + octet;
  }
  return value;
}

/**
 * Strict IPv6 (RFC 4291 text forms, an embedded IPv4 tail allowed and parsed
 * strictly); a zone id (`%eth0`) or anything else → null. Returns four words.
 */
export function parseIpv6(text: string): [number, number, number, number] | null {
  if (text.indexOf(':') === -1) return null;
  let hex = text;
  if (text.indexOf('.') !== -1) {
    const lastColon = text.lastIndexOf(':');
    const v4 = parseIpv4(text.slice(lastColon + 1));
    if (v4 === null) return null;
    hex = `${text.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  if (!HEX_V6.test(hex)) return null;
  let parts: number[];
  try {
    parts = ipaddr.IPv6.parse(hex).parts;
  } catch {
    return null;
  }
  if (parts.length !== 8) return null;
  const word = (i: number): number => ((parts[i]! << 16) | parts[i + 1]!) >>> 0;
  return [word(0), word(2), word(4), word(6)];
}

/** True when the words are an IPv4-mapped address (`::ffff:0:0/96`). */
function isMapped(w0: number, w1: number, w2: number): boolean {
  return w0 === 0 && w1 === 0 && w2 === 0xffff;
}

/** A request IP by the strict rules of an IP list; null when absent, unparseable or zoned. */
export function parseClientAddress(ip: string | undefined | null): ClientAddress | null {
  // No address in any text form is longer than this (IPv6 with an embedded IPv4 is 45).
  if (typeof ip !== 'string' || ip === '' || ip.length > 64) return null;
  const v4 = parseIpv4(ip);
  if (v4 !== null) return Object.freeze({ text: ip, version: 4, v4, w0: 0, w1: 0, w2: 0, w3: 0 });
  const words = parseIpv6(ip);
  if (words === null) return null;
  const [w0, w1, w2, w3] = words;
  if (isMapped(w0, w1, w2)) return Object.freeze({ text: ip, version: 4, v4: w3, w0: 0, w1: 0, w2: 0, w3: 0 });
  return Object.freeze({ text: ip, version: 6, v4: 0, w0, w1, w2, w3 });
}

function wordsToBigint(w: readonly number[]): bigint {
  let value = 0n;
  for (const x of w) value = (value << 32n) | BigInt(x >>> 0);
  return value;
}

function network(version: 4 | 6, address: bigint, prefix: number): IpNetwork {
  const bits = version === 4 ? 32 : 128;
  const hostBits = BigInt(bits - prefix);
  const hostMask = (1n << hostBits) - 1n;
  // INVARIANT: host bits are cleared — `10.10.25.15/8` is `10.0.0.0/8`.
  const first = address & ~hostMask;
  return { version, first, last: first | hostMask };
}

/** An entry as a message shows it: at most 64 characters of it. */
function shown(entry: string): string {
  return entry.length <= 64 ? entry : `${entry.slice(0, 61)}...`;
}

/** One list entry (already trimmed) → its network, or a sentence saying why not. */
export function parseIpEntry(entry: string): IpNetwork | string {
  if (entry === '') return 'has an empty entry';
  if (entry.indexOf('%') !== -1) return `\`${shown(entry)}\` has a zone id, which an IP list cannot use`;
  const slash = entry.indexOf('/');
  const addressText = slash === -1 ? entry : entry.slice(0, slash);
  const prefixText = slash === -1 ? null : entry.slice(slash + 1);
  if (prefixText !== null && !PREFIX.test(prefixText)) return `\`${shown(entry)}\` has a malformed prefix length`;
  const v4 = parseIpv4(addressText);
  if (v4 !== null) {
    const prefix = prefixText === null ? 32 : Number(prefixText);
    if (prefix > 32) return `\`${shown(entry)}\`: an IPv4 prefix length is at most 32`;
    return network(4, BigInt(v4), prefix);
  }
  const words = parseIpv6(addressText);
  if (words === null) return `\`${shown(entry)}\` is not an IPv4 or IPv6 address or CIDR`;
  const prefix = prefixText === null ? 128 : Number(prefixText);
  if (prefix > 128) return `\`${shown(entry)}\`: an IPv6 prefix length is at most 128`;
  if (isMapped(words[0], words[1], words[2])) {
    // An IPv4-mapped entry means its IPv4 network; below /96 it would reach outside ::ffff:0:0/96.
    if (prefix < 96) return `\`${shown(entry)}\` is IPv4-mapped, so its prefix length must be at least 96`;
    return network(4, BigInt(words[3]), prefix - 96);
  }
  return network(6, wordsToBigint(words), prefix);
}

/** Splits a list on commas and trims the spaces around each entry. */
export function ipListEntries(list: string): string[] {
  return list.split(',').map(trimSpaces);
}

/** Parses every entry; returns the networks or every problem (one sentence per bad entry). */
export function parseIpList(list: string): { networks: IpNetwork[]; problems: string[] } {
  const networks: IpNetwork[] = [];
  const problems: string[] = [];
  let sawEmpty = false;
  for (const entry of ipListEntries(list)) {
    const parsed = parseIpEntry(entry);
    if (typeof parsed !== 'string') networks.push(parsed);
    else if (entry !== '') problems.push(parsed);
    else if (!sawEmpty) {
      sawEmpty = true;
      problems.push(parsed);
    }
  }
  return { networks, problems };
}

/** Sorts and merges overlapping or adjacent ranges of one family. */
function mergeRanges(networks: readonly IpNetwork[]): [bigint, bigint][] {
  const sorted = networks.map((n): [bigint, bigint] => [n.first, n.last]).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const merged: [bigint, bigint][] = [];
  for (const [first, last] of sorted) {
    const top = merged[merged.length - 1];
    if (top !== undefined && first <= top[1] + 1n) {
      if (last > top[1]) top[1] = last;
    } else merged.push([first, last]);
  }
  return merged;
}

function wordsOf(value: bigint): number[] {
  return [96n, 64n, 32n, 0n].map((shift) => Number((value >> shift) & 0xffffffffn));
}

/** Compiles a valid list (see parseIpList) into numeric ranges; an invalid one → VALIDATION. */
export function compileIpList(list: string): CompiledIpList {
  const { networks, problems } = parseIpList(list);
  if (problems.length > 0) throw invalid('/ipAddress', problems[0]!);
  const v4 = mergeRanges(networks.filter((n) => n.version === 4));
  const v6 = mergeRanges(networks.filter((n) => n.version === 6));
  return Object.freeze({
    v4Starts: v4.map(([first]) => Number(first)),
    v4Ends: v4.map(([, last]) => Number(last)),
    v6Starts: v6.flatMap(([first]) => wordsOf(first)),
    v6Ends: v6.flatMap(([, last]) => wordsOf(last)),
    v6Count: v6.length,
  });
}

/** -1, 0 or 1: the client's words against range words at `base`. */
function compareWords(client: ClientAddress, words: readonly number[], base: number): number {
  let a = client.w0;
  let b = words[base]!;
  if (a !== b) return a < b ? -1 : 1;
  a = client.w1;
  b = words[base + 1]!;
  if (a !== b) return a < b ? -1 : 1;
  a = client.w2;
  b = words[base + 2]!;
  if (a !== b) return a < b ? -1 : 1;
  a = client.w3;
  b = words[base + 3]!;
  if (a !== b) return a < b ? -1 : 1;
  return 0;
}

/** True when the client is inside one of the list's ranges. O(log ranges), no allocation. */
export function ipListContains(list: CompiledIpList, client: ClientAddress): boolean {
  if (client.version === 4) {
    const starts = list.v4Starts;
    const x = client.v4;
    // last range whose start ≤ x
    let lo = 0;
    let hi = starts.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid]! <= x) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found !== -1 && x <= list.v4Ends[found]!;
  }
  let lo = 0;
  let hi = list.v6Count - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (compareWords(client, list.v6Starts, mid * 4) >= 0) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found !== -1 && compareWords(client, list.v6Ends, found * 4) <= 0;
}
