import { describe, expect, it } from 'vitest';
import { allowEntryProblem, classifyAddress, compileAllowList, decide } from './address-policy.js';

describe('classifyAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['::ffff:192.168.1.1', 'private'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['169.254.1.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.254', 'cgnat'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['169.254.169.254', 'metadata'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['100.100.100.200', 'metadata'],
    ['168.63.129.16', 'metadata'],
  ])('%s is %s', (address, cls) => {
    expect(classifyAddress(address)).toBe(cls);
  });

  it.each(['8.8.8.8', '203.0.113.7', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '::ffff:8.8.8.8'])('%s is public', (address) => {
    expect(classifyAddress(address)).toBeUndefined();
  });
});

describe('decide', () => {
  const allow = (...entries: string[]) => compileAllowList(entries);

  it('allows a public address with an empty allow list', () => {
    expect(decide('api.example.com', '93.184.216.34', allow())).toEqual({ allowed: true });
  });

  it('refuses a loopback address unless its host, address or network is allowed', () => {
    expect(decide('localhost', '127.0.0.1', allow())).toEqual({ allowed: false, class: 'loopback' });
    expect(decide('localhost', '127.0.0.1', allow('localhost'))).toEqual({ allowed: true });
    expect(decide('127.0.0.1', '127.0.0.1', allow('127.0.0.1'))).toEqual({ allowed: true });
    expect(decide('127.0.0.2', '127.0.0.2', allow('127.0.0.0/8'))).toEqual({ allowed: true });
    expect(decide('127.0.0.2', '127.0.0.2', allow('127.0.0.1'))).toEqual({ allowed: false, class: 'loopback' });
  });

  it('treats an IPv4-mapped IPv6 address as its IPv4 address, both ways', () => {
    expect(decide('::ffff:127.0.0.1', '::ffff:127.0.0.1', allow())).toEqual({ allowed: false, class: 'loopback' });
    expect(decide('::ffff:10.0.0.5', '::ffff:10.0.0.5', allow('10.0.0.0/8'))).toEqual({ allowed: true });
    expect(decide('10.0.0.5', '10.0.0.5', allow('::ffff:10.0.0.0/104'))).toEqual({ allowed: true });
  });

  it('matches host names exactly or by a *. suffix, case and trailing dot aside', () => {
    expect(decide('SIEM.internal.', '10.0.0.5', allow('siem.internal'))).toEqual({ allowed: true });
    expect(decide('ticket.corp.example', '10.9.9.9', allow('*.corp.example'))).toEqual({ allowed: true });
    expect(decide('corp.example', '10.9.9.9', allow('*.corp.example'))).toEqual({ allowed: false, class: 'private' });
    expect(decide('evil-siem.internal', '10.0.0.5', allow('siem.internal'))).toEqual({ allowed: false, class: 'private' });
  });

  it('opens a metadata endpoint only by its exact address or name, never by a network or another name', () => {
    expect(decide('169.254.169.254', '169.254.169.254', allow('10.0.0.0/8'))).toEqual({ allowed: false, class: 'metadata' });
    expect(decide('169.254.169.254', '169.254.169.254', allow('169.254.0.0/16'))).toEqual({ allowed: false, class: 'metadata' });
    expect(decide('siem.internal', '169.254.169.254', allow('siem.internal'))).toEqual({ allowed: false, class: 'metadata' });
    expect(decide('169.254.169.254', '169.254.169.254', allow('169.254.169.254'))).toEqual({ allowed: true });
  });

  it('refuses metadata.google.internal wherever it resolves, unless named', () => {
    expect(decide('metadata.google.internal', '8.8.8.8', allow('8.8.8.8/32'))).toEqual({ allowed: false, class: 'metadata' });
    expect(decide('metadata.google.internal', '169.254.169.254', allow('metadata.google.internal'))).toEqual({ allowed: true });
  });
});

describe('allowEntryProblem', () => {
  it.each(['10.0.0.5', '10.0.0.0/8', 'siem.internal', '*.corp.example', '::1', 'fd00::/8', 'localhost'])('takes %s', (e) => {
    expect(allowEntryProblem(e)).toBeUndefined();
  });
  it.each(['10.0.0.0/33', 'http://siem.internal', 'siem internal', '', '10.0.0.0/x', 'a/8', 42])('refuses %s', (e) => {
    expect(allowEntryProblem(e)).toMatch(/host name, an IP address or a network/);
  });
});
