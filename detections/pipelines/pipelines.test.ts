import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  fieldPaths,
  listPipelines,
  loadPipeline,
  loadRuleSet,
  logsourceMatcher,
  PipelineError,
  resolverFor,
  scanRuleFile,
  toLogsourceKey,
} from './index.js';

const ecs = loadPipeline('ecs');
const raw = loadPipeline('raw');
const WIN_PROC = toLogsourceKey({ product: 'windows', category: 'process_creation' });
const WIN_SEC = toLogsourceKey({ product: 'windows', service: 'security' });
const LNX_SSHD = toLogsourceKey({ product: 'linux', service: 'sshd' });

describe('the bundled pipelines', () => {
  it('are listed and load', () => {
    expect(listPipelines()).toEqual(expect.arrayContaining(['ecs', 'raw']));
    expect(ecs.logsources.entries.length).toBeGreaterThan(50);
  });

  it.each([
    ['Image', WIN_PROC, ['winlog.event_data.Image', 'process.executable']],
    ['CommandLine', WIN_PROC, ['winlog.event_data.CommandLine', 'process.command_line']],
    ['ParentImage', WIN_PROC, ['winlog.event_data.ParentImage', 'process.parent.executable']],
    ['User', WIN_PROC, ['winlog.event_data.User', 'user.name']],
    ['EventID', WIN_SEC, ['winlog.event_data.EventID', 'event.code']],
    ['TargetFilename', WIN_PROC, ['winlog.event_data.TargetFilename', 'file.path']],
    ['DestinationIp', WIN_PROC, ['winlog.event_data.DestinationIp', 'destination.ip']],
    ['OriginalFileName', WIN_PROC, ['winlog.event_data.OriginalFileName', 'process.pe.original_file_name']],
    ['SubjectUserName', WIN_SEC, ['winlog.event_data.SubjectUserName', 'user.name']],
    ['GrantedAccess', WIN_PROC, ['winlog.event_data.GrantedAccess']],
    ['process.command_line', WIN_PROC, ['process.command_line']],
    ['CommandLine', LNX_SSHD, ['process.command_line']],
    ['message', LNX_SSHD, ['message']],
  ])('ecs maps %s (%j) to %j', (field, ls, want) => {
    expect(fieldPaths(ecs, ls, field)).toEqual(want);
  });

  it('raw reads evtx_dump and Winlogbeat layouts flattened', () => {
    const get = resolverFor(raw, WIN_PROC);
    const evtx = {
      Event: {
        System: {
          EventID: { '#text': 4688, '#attributes': { Qualifiers: 0 } },
          Channel: 'Security',
          Provider: { '#attributes': { Name: 'P' } },
        },
        EventData: { NewProcessName: 'x.exe' },
      },
    };
    expect(get('EventID')(evtx)).toBe(4688);
    expect(get('Channel')(evtx)).toBe('Security');
    expect(get('Provider_Name')(evtx)).toBe('P');
    expect(get('NewProcessName')(evtx)).toBe('x.exe');
    const wlb = { winlog: { event_id: '1', channel: 'C', event_data: { Image: 'a.exe' } } };
    expect(get('EventID')(wlb)).toBe('1');
    expect(get('Image')(wlb)).toBe('a.exe');
    expect(get('eventSource')({ eventSource: 'iam.amazonaws.com' })).toBe('iam.amazonaws.com');
  });
});

describe('logsource matchers', () => {
  const sysmon1 = {
    event: { code: '1' },
    winlog: { provider_name: 'Microsoft-Windows-Sysmon', channel: 'Microsoft-Windows-Sysmon/Operational' },
  };
  const sec4688 = { event: { code: 4688 }, winlog: { channel: 'Security' } };
  const sec4624 = { event: { code: '4624' }, winlog: { channel: 'Security' } };
  const sshd = { process: { name: 'sshd' }, log: { syslog: { appname: 'sshd' } } };

  it.each([
    [WIN_PROC, sysmon1, true],
    [WIN_PROC, sec4688, true],
    [WIN_PROC, sec4624, false],
    [WIN_PROC, sshd, false],
    [WIN_SEC, sec4624, true],
    [WIN_SEC, sysmon1, false],
    [LNX_SSHD, sshd, true],
    [LNX_SSHD, { process: { name: 'cron' } }, false],
    [toLogsourceKey({ product: 'linux', service: 'sudo' }), { process: { name: 'sudo' } }, true],
    [toLogsourceKey({ product: 'linux', category: 'process_creation' }), { process: { name: 'sudo', command_line: '/bin/id' } }, true],
    [toLogsourceKey({ product: 'linux', category: 'process_creation' }), sysmon1, false],
  ])('%j holds for %j: %s', (ls, event, want) => {
    expect(logsourceMatcher(ecs, ls).test(event)).toBe(want);
  });

  it('indexes process_creation by exact values, and refuses unmapped products under ecs', () => {
    const m = logsourceMatcher(ecs, WIN_PROC);
    expect(m.anchors?.length).toBeGreaterThan(0);
    expect(logsourceMatcher(ecs, toLogsourceKey({ product: 'aws', service: 'cloudtrail' })).kind).toBe('none');
    expect(logsourceMatcher(raw, toLogsourceKey({ product: 'aws', service: 'cloudtrail' })).kind).toBe('all');
  });

  it('evaluates the same conditions on the raw layout', () => {
    const evtx = { Event: { System: { EventID: 1, Provider: { '#attributes': { Name: 'Microsoft-Windows-Sysmon' } } } } };
    expect(logsourceMatcher(raw, WIN_PROC).test(evtx)).toBe(true);
    expect(logsourceMatcher(raw, WIN_SEC).test(evtx)).toBe(false);
  });
});

describe('pipeline files', () => {
  it('reports every problem with its line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-pipe-'));
    try {
      writeFileSync(
        join(dir, 'bad.yml'),
        'name: bad\nlogsources: ls.yml\nsurprise: 1\nsections:\n  - logsource: { product: windows, flavour: x }\n    fields: { Image: 3 }\n',
      );
      writeFileSync(join(dir, 'ls.yml'), 'logsources:\n  - logsource: { product: x }\n    conditions:\n      - { EventID|nope: 1 }\n');
      let err: PipelineError | undefined;
      try {
        loadPipeline(join(dir, 'bad.yml'));
      } catch (e) {
        err = e as PipelineError;
      }
      expect(err).toBeInstanceOf(PipelineError);
      const lines = err!.problems.map((p) => `${p.location?.file?.split('/').pop()}:${p.location?.line} ${p.message}`);
      expect(lines).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^bad\.yml:3 unknown key 'surprise'/),
          expect.stringMatching(/^bad\.yml:5 unknown key 'flavour'/),
          expect.stringMatching(/^bad\.yml:6 a path must be a non-empty string/),
          expect.stringMatching(/^ls\.yml:4 .*unknown modifier 'nope'/),
        ]),
      );
      expect(err!.code).toBe('PIPELINE_INVALID');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('loadRuleSet', () => {
  it('scans logsource blocks without parsing', () => {
    expect(
      scanRuleFile('title: x\nlogsource:\n    product: Windows  # c\n    category: "process_creation"\ndetection: {}\n').logsource,
    ).toEqual({ product: 'windows', category: 'process_creation' });
    expect(scanRuleFile('logsource: { product: linux, service: sshd }\n').logsource).toEqual({ product: 'linux', service: 'sshd' });
    expect(scanRuleFile('title: f\nfilter:\n  rules: any\n').filter).toBe(true);
    expect(scanRuleFile('title: c\ncorrelation:\n  type: event_count\n').correlation).toBe(true);
    // A key in any YAML form, as the correlation loader finds it; the word in prose is not one.
    expect(scanRuleFile('title: c\n"correlation": { type: event_count }\n').correlation).toBe(true);
    expect(scanRuleFile('{ title: c, correlation: { type: event_count } }\n').correlation).toBe(true);
    expect(scanRuleFile('title: c\ndescription: use it in correlation with others\n').correlation).toBe(false);
  });

  it('compiles each rule with its logsource resolver, also when the scan misreads the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-rs-'));
    try {
      // a logsource the line scanner cannot read (a YAML anchor): the rule is loaded again with the right resolver
      writeFileSync(
        join(dir, 'odd.yml'),
        "title: Odd\nid: 33333333-3333-4333-8333-333333333333\nls: &ls { product: windows, category: process_creation }\nlogsource: *ls\ndetection:\n  sel: { Image|endswith: '\\\\whoami.exe' }\n  condition: sel\n",
      );
      const { rules, errors } = loadRuleSet([dir]);
      expect(errors.map((e) => e.describe())).toEqual([]);
      const r = rules[0]!;
      expect(r.logsource.id).toBe('windows/process_creation/');
      expect(r.compiled.match({ winlog: { event_data: { Image: 'C:\\Windows\\System32\\whoami.exe' } } })).not.toBeNull();
      expect(r.compiled.match({ process: { executable: 'C:\\Windows\\System32\\whoami.exe' } })).not.toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
