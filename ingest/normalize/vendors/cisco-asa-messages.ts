/**
 * Cisco ASA/FTD message ids → ECS categorization and the message's fields, as Elastic's
 * `cisco_asa` ingest pipeline maps them (its `script_ecs_categorization` table and its per-id
 * dissect/grok patterns), for the message formats of Cisco's "Secure Firewall ASA Series Syslog
 * Messages". `event.category` is `network` unless an entry says otherwise.
 *
 * Patterns use named groups that `cisco-asa.ts` turns into ECS: `src`/`sport`/`siface`,
 * `dst`/`dport`/`diface`, `snat` (the mapped source), `transport`, `iana`,
 * `direction`, `protocol`, `suser`/`sgroup` (source.user), `duser`, `user`, `srvuser`
 * (server.user), `reason`, `dur` (h:mm:ss or 0h:05m:12s), `bytes`, `sbytes`, `dbytes`, `rule`,
 * `url`, `agent`, `connid`, `icmptype`, `icmpcode`, `outcome` (a word such as `permitted`).
 * Every pattern is anchored and free of nested quantifiers: lines come from the network.
 */
export interface AsaMessage {
  category?: readonly string[];
  type: readonly string[];
  action?: string;
  outcome?: 'success' | 'failure';
  /** Tried in order; the first match gives the fields. None: categorization only. */
  patterns?: readonly RegExp[];
  /** Fields every message of the id has (`network.transport: icmp` for 106013). */
  fixed?: { transport?: string; direction?: string };
}

const IF = String.raw`[^:\s]+`;
// An address after `iface:`, up to the `/port` or a space: IPv4, IPv6 (colons included) or a name.
const A = String.raw`[^\s/()]+`;
const SIDE = (p: 's' | 'd'): string => String.raw`(?<${p}iface>${IF}):(?<${p === 's' ? 'src' : 'dst'}>${A})\/(?<${p}port>\d+)`;
const FLAGS = String.raw`(?:[A-Z]+ )*`;
// `Group <g> User <u> IP <a>` (AnyConnect/WebVPN, 9.x) or without the brackets (older releases).
const GUI = [
  String.raw`^Group <(?<sgroup>[^<>]+)> User <(?<suser>[^<>]+)> IP <(?<src>[^<>]+)>`,
  String.raw`^Group (?<sgroup>\S+) User (?<suser>\S+) IP (?<src>\S+)`,
];
const gui = (rest = ''): RegExp[] => GUI.map((g) => new RegExp(`${g}${rest}`));
const re = (s: string): RegExp => new RegExp(s);

const FW = { type: ['connection', 'denied'], outcome: 'failure', action: 'firewall-rule' } as const;
const AUTH_OK = { category: ['authentication', 'network'], type: ['allowed', 'info'], outcome: 'success', action: 'logged-in' } as const;
const AUTH_FAIL = {
  category: ['authentication', 'network'],
  type: ['denied', 'info'],
  outcome: 'failure',
  action: 'logon-failed',
} as const;
const VPN_ERROR = { type: ['connection', 'denied'], outcome: 'failure', action: 'client-vpn-error', patterns: gui() } as const;
const SVC = (type: readonly string[], outcome?: 'success' | 'failure', rest = String.raw` (?<reason>.+)$`): AsaMessage => ({
  type,
  ...(outcome ? { outcome } : {}),
  patterns: gui(rest),
});
const IPAA = (rest: string): RegExp[] => [re(String.raw`^IPAA: Session=\S+, ${rest}$`), re(String.raw`^IPAA: ${rest}$`)];

export const ASA_MESSAGES: Readonly<Record<string, AsaMessage>> = {
  // Firewall denies (106xxx)
  '106001': {
    ...FW,
    patterns: [
      re(
        String.raw`^(?<direction>\w+) (?<transport>\w+) connection denied from (?<src>${A})\/(?<sport>\d+) to (?<dst>${A})\/(?<dport>\d+) flags ${FLAGS}on interface (?<siface>\S+)$`,
      ),
    ],
  },
  '106002': {
    ...FW,
    patterns: [
      re(String.raw`^(?<transport>\w+) Connection denied by (?<direction>\w+) list (?<rule>\S+) src (?<src>\S+) dest (?<dst>\S+)$`),
    ],
  },
  '106006': {
    ...FW,
    patterns: [
      re(
        String.raw`^Deny (?<direction>\w+) (?<transport>\w+) from (?<src>${A})\/(?<sport>\d+) to (?<dst>${A})\/(?<dport>\d+) on interface (?<siface>\S+)$`,
      ),
    ],
  },
  '106007': {
    ...FW,
    patterns: [
      re(
        String.raw`^Deny (?<direction>\w+) (?<transport>\w+) from (?<src>${A})\/(?<sport>\d+) to (?<dst>${A})\/(?<dport>\d+) due to (?<protocol>\w+) `,
      ),
    ],
  },
  '106010': {
    ...FW,
    patterns: [
      re(
        String.raw`^Deny (?<direction>\w+) (?:protocol (?<iana>\d+)|(?<transport>\w+)) src (?<siface>${IF}):(?<src>${A})(?:\/(?<sport>\d+))? dst (?<diface>${IF}):(?<dst>${A})(?:\/(?<dport>\d+))?`,
      ),
    ],
  },
  '106012': { ...FW, patterns: [re(String.raw`^Deny IP from (?<src>[^\s,]+) to (?<dst>[^\s,]+), (?<reason>.+)$`)] },
  '106013': {
    ...FW,
    fixed: { transport: 'icmp', direction: 'inbound' },
    patterns: [re(String.raw`^Dropping echo request from (?<src>\S+) to PAT address (?<dst>\S+)$`)],
  },
  '106014': {
    ...FW,
    patterns: [
      re(String.raw`^Deny (?<direction>\w+) (?<transport>\w+) src (?<siface>${IF}):(?<src>${A}) dst (?<diface>${IF}):(?<dst>${A})`),
    ],
  },
  '106015': {
    ...FW,
    patterns: [
      re(
        String.raw`^Deny (?<transport>\w+) \(no connection\) from (?<src>${A})\/(?<sport>\d+) to (?<dst>${A})\/(?<dport>\d+) flags ${FLAGS}on interface (?<siface>\S+)$`,
      ),
    ],
  },
  '106016': { ...FW, patterns: [re(String.raw`^Deny IP spoof from \((?<src>[^()\s]+)\) to (?<dst>\S+) on interface (?<siface>\S+)$`)] },
  '106017': { ...FW, patterns: [re(String.raw`^Deny IP due to Land Attack from (?<src>\S+) to (?<dst>\S+)$`)] },
  '106018': {
    ...FW,
    patterns: [
      re(
        String.raw`^(?<transport>\w+) packet type (?<icmptype>\S+) denied by (?<direction>\w+) list (?<rule>\S+) src (?<src>\S+) dest (?<dst>\S+)$`,
      ),
    ],
  },
  '106020': { ...FW, patterns: [re(String.raw`^Deny IP teardrop fragment \(size = \d+, offset = \d+\) from (?<src>\S+) to (?<dst>\S+)$`)] },
  '106021': {
    ...FW,
    patterns: [re(String.raw`^Deny (?<transport>\w+) reverse path check from (?<src>\S+) to (?<dst>\S+) on interface (?<siface>\S+)$`)],
  },
  '106022': {
    ...FW,
    patterns: [re(String.raw`^Deny (?<transport>\w+) connection spoof from (?<src>\S+) to (?<dst>\S+) on interface (?<siface>\S+)$`)],
  },
  '106027': { ...FW, patterns: [re(String.raw`^Deny src (?<src>\S+) dst (?<dst>\S+) by access-group "(?<rule>[^"]+)"`)] },
  '106102': {
    type: ['connection'],
    action: 'firewall-rule',
    patterns: [
      re(
        String.raw`^access-list (?<rule>\S+) (?<outcome>permitted|denied) (?<transport>\w+) for user (?<suser>\S+) (?<siface>${IF})\/(?<src>${A})\((?<sport>\d+)\) -> (?<diface>${IF})\/(?<dst>${A})\((?<dport>\d+)\)`,
      ),
    ],
  },
  '106103': {
    ...FW,
    patterns: [
      re(
        String.raw`^access-list (?<rule>\S+) denied (?<transport>\w+) for user (?<suser>\S+) (?<siface>${IF})\/(?<src>${A})\((?<sport>\d+)\) -> (?<diface>${IF})\/(?<dst>${A})\((?<dport>\d+)\)`,
      ),
    ],
  },
  '110002': {
    type: ['connection', 'info'],
    outcome: 'failure',
    action: 'firewall-rule',
    patterns: [
      re(
        String.raw`^(?<reason>[^:]+?) for (?<transport>\w+) from (?<siface>${IF}):(?<src>${A})\/(?<sport>\d+) to (?<dst>${A})\/(?<dport>\d+)$`,
      ),
    ],
  },
  // Configuration (111xxx)
  '111009': {
    category: ['configuration'],
    type: ['info'],
    outcome: 'success',
    action: 'configuration',
    patterns: [re(String.raw`^User '(?<srvuser>[^']+)' executed cmd: `)],
  },
  '111010': {
    category: ['configuration'],
    type: ['change'],
    outcome: 'success',
    action: 'configuration',
    patterns: [re(String.raw`^User '(?<srvuser>[^']+)', running '[^']*' from IP (?<src>[^\s,]+), executed '`)],
  },
  // AAA and VPN sessions (113xxx)
  '113008': { ...AUTH_OK, patterns: [re(String.raw`^AAA transaction status ACCEPT\s*: user = (?<suser>\S+)$`)] },
  '113009': {
    ...AUTH_OK,
    patterns: [re(String.raw`^AAA retrieved default group policy \(?(?<sgroup>[^()\s]+)\)? for user = (?<suser>\S+)$`)],
  },
  '113012': { ...AUTH_OK, patterns: [re(String.raw`^AAA user authentication Successful\s*: local database\s*: user = (?<suser>\S+)$`)] },
  '113015': {
    ...AUTH_FAIL,
    patterns: [
      re(
        String.raw`^AAA user authentication Rejected\s*: reason = (?<reason>[^:]+?)\s*: local database\s*: user = (?<suser>\S+)\s*: user IP = (?<src>\S+)$`,
      ),
    ],
  },
  '113019': {
    type: ['connection', 'end'],
    action: 'client-vpn-disconnected',
    patterns: [
      re(
        String.raw`^Group = (?<sgroup>[^,]+), Username = (?<suser>[^,]+), IP = (?<dst>[^,]+), Session disconnected\. Session Type: [^,]+, Duration: (?<dur>[^,]+), Bytes xmt: (?<sbytes>\d+), Bytes rcv: (?<dbytes>\d+), Reason: (?<reason>.+)$`,
      ),
    ],
  },
  '113021': {
    ...AUTH_FAIL,
    patterns: [re(String.raw`^Attempted console login failed\. User (?<suser>\S+) did NOT have appropriate Admin Rights\.$`)],
  },
  '113022': {
    type: ['info'],
    outcome: 'failure',
    action: 'server-failed',
    patterns: [re(String.raw`^AAA Marking (?<protocol>\S+) server (?<dst>\S+) in aaa-server group `)],
  },
  '113023': {
    type: ['info'],
    outcome: 'success',
    action: 'server-active',
    patterns: [re(String.raw`^AAA Marking (?<protocol>\S+) server (?<dst>\S+) in aaa-server group `)],
  },
  '113029': VPN_ERROR,
  '113030': VPN_ERROR,
  '113031': VPN_ERROR,
  '113032': VPN_ERROR,
  '113033': VPN_ERROR,
  '113034': VPN_ERROR,
  '113035': VPN_ERROR,
  '113036': VPN_ERROR,
  '113038': VPN_ERROR,
  '113039': {
    category: ['network', 'session'],
    type: ['connection', 'start'],
    outcome: 'success',
    action: 'client-vpn-connected',
    patterns: gui(),
  },
  // Connections (302xxx) without their own parser in cisco-asa.ts
  '302020': {
    type: ['connection', 'start'],
    outcome: 'success',
    action: 'flow-creation',
    patterns: [
      re(
        String.raw`^Built (?<direction>\w+) (?<transport>ICMP|ICMPv6) connection for faddr (?:(?<diface>${IF}):)?(?<dst>${A})\/\d+(?: \([^()]*\))? gaddr (?:${IF}:)?(?<snat>${A})\/\d+ laddr (?:(?<siface>${IF}):)?(?<src>${A})\/\d+`,
      ),
    ],
  },
  '302021': {
    type: ['connection', 'end'],
    outcome: 'success',
    action: 'flow-expiration',
    patterns: [
      re(
        String.raw`^Teardown (?<transport>ICMP|ICMPv6) connection for faddr (?:(?<diface>${IF}):)?(?<dst>${A})\/\d+(?: \([^()]*\))? gaddr (?:${IF}:)?(?<snat>${A})\/\d+ laddr (?:(?<siface>${IF}):)?(?<src>${A})\/\d+`,
      ),
    ],
  },
  '302022': {
    type: ['connection', 'start'],
    outcome: 'success',
    action: 'flow-creation',
    patterns: [re(String.raw`^Built \S+ stub (?<transport>\w+) connection for ${SIDE('s')} \([^()]*\) to ${SIDE('d')}`)],
  },
  '302023': {
    type: ['connection', 'end'],
    outcome: 'success',
    action: 'flow-expiration',
    patterns: [
      re(
        String.raw`^Teardown stub (?<transport>\w+) connection for ${SIDE('s')} to ${SIDE('d')} duration (?<dur>\d+:\d\d:\d\d) forwarded bytes (?<bytes>\d+) (?<reason>.+)$`,
      ),
    ],
  },
  // URL filtering, NAT (304xxx, 305xxx)
  '304001': {
    type: ['access', 'allowed'],
    outcome: 'success',
    action: 'url-access',
    patterns: [re(String.raw`^(?:(?<suser>[^\s@]+)@)?(?<src>[^\s(@]+)(?:\([^()]*\))? Accessed URL (?<dst>[^\s:]+):(?<url>\S+)$`)],
  },
  '304002': {
    type: ['access', 'denied'],
    outcome: 'failure',
    action: 'url-access',
    patterns: [re(String.raw`^Access denied URL (?<url>\S+) SRC (?<src>\S+) DEST (?<dst>\S+) on interface (?<siface>\S+)$`)],
  },
  '305011': {
    category: ['network', 'configuration'],
    type: ['creation'],
    outcome: 'success',
    action: 'nat-slot',
    patterns: [
      re(
        String.raw`^Built \S+ (?<transport>\w+) translation from (?<siface>${IF}):(?<src>${A})\/(?<sport>\d+)(?:\((?<suser>[^()]+)\))? to (?<diface>${IF}):(?<dst>${A})\/(?<dport>\d+)`,
      ),
    ],
  },
  '305012': {
    category: ['network', 'configuration'],
    type: ['deletion'],
    outcome: 'success',
    action: 'nat-slot',
    patterns: [
      re(
        String.raw`^Teardown \S+ (?<transport>\w+) translation from (?<siface>${IF}):(?<src>${A})\/(?<sport>\d+)(?:\s*\((?<suser>[^()]+)\))? to (?<diface>${IF}):(?<dst>${A})\/(?<dport>\d+) duration (?<dur>\d+:\d\d:\d\d)`,
      ),
    ],
  },
  // ICMP (313xxx)
  '313001': {
    ...FW,
    patterns: [
      re(String.raw`^Denied (?<transport>\w+) type=(?<icmptype>\d+), code=(?<icmpcode>\d+) from (?<src>\S+) on interface (?<siface>\S+)$`),
    ],
  },
  '313004': {
    ...FW,
    patterns: [
      re(
        String.raw`^Denied (?<transport>\w+) type=(?<icmptype>\d+), from (?:laddr )?(?<src>\S+) on interface (?<siface>\S+) to (?<dst>[^\s:]+): no matching session$`,
      ),
    ],
  },
  '313005': {
    ...FW,
    patterns: [
      re(
        String.raw`^No matching connection for ICMP error message: (?<transport>\w+) src (?<siface>${IF}):\S+ dst (?<diface>${IF}):\S+ \(type (?<icmptype>\d+), code (?<icmpcode>\d+)\) on ${IF} interface\.\s*Original IP payload: (?:\w+|protocol \d+) src (?<src>${A})(?:\/(?<sport>\d+))? dst (?<dst>[^\s/()]+?)(?:\/(?<dport>\d+))?\.?$`,
      ),
    ],
  },
  '315011': {
    type: ['connection', 'end'],
    action: 'ssh-session-ended',
    patterns: [
      re(
        String.raw`^SSH session from (?<src>\S+) on interface (?<siface>\S+) for user (?<suser>\S+) disconnected by SSH server, reason: (?<reason>.+)$`,
      ),
    ],
  },
  '419002': {
    type: ['connection', 'info'],
    action: 'firewall-rule',
    fixed: { transport: 'tcp' },
    patterns: [re(String.raw`^(?<reason>[^:]+?) from ${SIDE('s')} to ${SIDE('d')}`)],
  },
  '502103': {
    category: ['iam'],
    type: ['user', 'change'],
    outcome: 'success',
    action: 'privilege-level-changed',
    patterns: [re(String.raw`^User priv level changed: Uname: (?<srvuser>\S+) From: \d+ To: \d+$`)],
  },
  // IPsec SAs, management sessions (602xxx, 609xxx, 611xxx)
  '602303': {
    type: ['connection', 'start'],
    outcome: 'success',
    action: 'sa-created',
    patterns: [
      re(
        String.raw`^IPSEC: An (?<direction>\w+) \S+ SA \(SPI= \S+\) between (?<src>\S+) and (?<dst>\S+) \(user= (?<user>[^)]+)\) has been created\.$`,
      ),
    ],
  },
  '602304': {
    type: ['connection', 'end'],
    outcome: 'success',
    action: 'sa-deleted',
    patterns: [
      re(
        String.raw`^IPSEC: An (?<direction>\w+) \S+ SA \(SPI= \S+\) between (?<src>\S+) and (?<dst>\S+) \(user= (?<user>[^)]+)\) has been deleted\.$`,
      ),
    ],
  },
  '609001': {
    type: ['connection', 'start'],
    outcome: 'success',
    action: 'flow-creation',
    patterns: [re(String.raw`^Built local-host (?<siface>${IF}):(?<src>\S+)$`)],
  },
  '609002': {
    type: ['connection', 'end'],
    outcome: 'success',
    action: 'flow-expiration',
    patterns: [re(String.raw`^Teardown local-host (?<siface>${IF}):(?<src>\S+) duration (?<dur>\d+:\d\d:\d\d)$`)],
  },
  '611101': {
    ...AUTH_OK,
    patterns: [re(String.raw`^User authentication succeeded: IP address: (?<src>[^\s,]+), Uname: (?<srvuser>\S+)$`)],
  },
  '611102': { ...AUTH_FAIL, patterns: [re(String.raw`^User authentication failed: IP address: (?<src>[^\s,]+), Uname: (?<srvuser>\S+)$`)] },
  '611103': {
    category: ['authentication', 'network'],
    type: ['info'],
    outcome: 'success',
    action: 'logged-out',
    patterns: [re(String.raw`^User logged out: Uname: (?<user>\S+)$`)],
  },
  // Management access to the device (710xxx)
  '710003': {
    ...FW,
    patterns: [re(String.raw`^(?<transport>\w+) access denied by ACL from (?<src>${A})\/(?<sport>\d+) to ${SIDE('d')}$`)],
  },
  '710005': { ...FW, patterns: [re(String.raw`^(?<transport>\w+) request discarded from (?<src>${A})\/(?<sport>\d+) to ${SIDE('d')}$`)] },
  // WebVPN and AnyConnect (716xxx, 721xxx, 722xxx)
  '716002': {
    type: ['connection', 'end'],
    action: 'client-vpn-disconnected',
    patterns: gui(String.raw` WebVPN session terminated: (?<reason>.+?)\.?$`),
  },
  '716003': {
    category: ['authentication', 'network'],
    type: ['allowed', 'info'],
    outcome: 'success',
    patterns: gui(String.raw` WebVPN access GRANTED: "?(?<url>[^"\s]+)"?$`),
  },
  '716039': { ...AUTH_FAIL, patterns: gui(String.raw` Authentication: rejected, Session Type: \S+$`) },
  '716058': { type: ['connection', 'end'], action: 'client-vpn-disconnected', patterns: gui() },
  '716059': {
    type: ['connection', 'start'],
    action: 'client-vpn-resumed',
    patterns: [
      re(
        String.raw`^Group <(?<sgroup>[^<>]+)> User <(?<suser>[^<>]+)> IP <(?<dst>[^<>]+)> AnyConnect session resumed(?:\.)? [Cc]onnection from(?: IP)? <(?<src>[^<>\s]+)>\.$`,
      ),
    ],
  },
  '721016': {
    type: ['connection', 'start'],
    outcome: 'success',
    action: 'client-vpn-connected',
    patterns: [re(String.raw`^\([^()]+\) WebVPN session for client user (?<suser>\S+), IP (?<dst>\S+) has been created\.$`)],
  },
  '721018': {
    type: ['connection', 'end'],
    outcome: 'success',
    action: 'client-vpn-disconnected',
    patterns: [re(String.raw`^\([^()]+\) WebVPN session for client user (?<suser>\S+), IP (?<dst>\S+) has been deleted\.$`)],
  },
  '722011': SVC(['info']),
  '722022': SVC(['connection', 'info'], 'success', String.raw` (?<reason>(?<transport>TCP|UDP) SVC connection established .*)$`),
  '722023': SVC(['connection', 'end'], 'success', String.raw` (?<reason>(?<transport>TCP|UDP) SVC connection terminated.*)$`),
  '722028': SVC(['connection', 'end'], 'success'),
  '722032': SVC(['connection', 'start'], 'success'),
  '722033': SVC(
    ['connection', 'start'],
    'success',
    String.raw` (?<reason>First (?<transport>TCP|UDP) SVC connection established for SVC session\.)$`,
  ),
  '722034': SVC(
    ['connection', 'info'],
    undefined,
    String.raw` (?<reason>New (?<transport>TCP|UDP) SVC connection, no existing connection\.)$`,
  ),
  '722037': SVC(['connection', 'end']),
  '722051': { ...SVC(['connection', 'info'], 'success'), action: 'address-assigned' },
  '722055': SVC(['connection', 'info'], undefined, String.raw` Client Type: (?<agent>.+)$`),
  // TLS sessions of the device (725xxx)
  '725001': {
    type: ['connection', 'start'],
    outcome: 'success',
    patterns: [
      re(
        String.raw`^Starting SSL handshake with \S+ (?<siface>${IF}):(?<src>${A})\/(?<sport>\d+)(?: to (?<dst>${A})\/(?<dport>\d+))? for \S+ session`,
      ),
    ],
  },
  '725002': {
    type: ['connection', 'info'],
    outcome: 'success',
    patterns: [
      re(
        String.raw`^Device completed SSL handshake with \S+ (?<siface>${IF}):(?<src>${A})\/(?<sport>\d+)(?: to (?<dst>${A})\/(?<dport>\d+))? for `,
      ),
    ],
  },
  '725007': {
    type: ['connection', 'end'],
    outcome: 'failure',
    patterns: [
      re(String.raw`^SSL session with \S+ (?<siface>${IF}):(?<src>${A})\/(?<sport>\d+)(?: to (?<dst>${A})\/(?<dport>\d+))? terminated`),
    ],
  },
  // Threat detection (733xxx), DAP (734xxx), address assignment (737xxx)
  '733100': { type: ['info'], patterns: [re(String.raw`^\[\s*[^\]]+\] drop \S+ exceeded\. `)] },
  '734001': { ...AUTH_OK, patterns: [re(String.raw`^DAP: User (?<suser>[^\s,]+), Addr (?<src>[^\s,]+), Connection \S+: `)] },
  '737003': {
    type: ['connection', 'info'],
    outcome: 'failure',
    patterns: IPAA(String.raw`DHCP configured, no viable servers found for tunnel-group \S+`),
  },
  '737006': {
    type: ['connection', 'info'],
    outcome: 'success',
    patterns: IPAA(String.raw`Local pool request succeeded for tunnel-group \S+`),
  },
  '737016': { type: ['connection', 'info'], outcome: 'success', patterns: IPAA(String.raw`Freeing local pool \S+ address \S+`) },
  '737026': { type: ['connection', 'info'], outcome: 'success', patterns: IPAA(String.raw`Client assigned \S+ from local pool \S+`) },
  '737034': { type: ['connection', 'info'], outcome: 'failure', patterns: IPAA(String.raw`(?<reason>.+)`) },
};

/**
 * Categorization of the ids `cisco-asa.ts` reads with its own parsers (connections, ACLs, AAA,
 * management logins), from the same Elastic table.
 */
export const ASA_PARSED: Readonly<Record<string, AsaMessage>> = {
  '106023': FW,
  '106100': { type: ['connection'], action: 'firewall-rule' },
  '113004': AUTH_OK,
  '113005': AUTH_FAIL,
  '302013': { type: ['connection', 'start'], outcome: 'success', action: 'flow-creation' },
  '302014': { type: ['connection', 'end'], action: 'flow-expiration' },
  '302015': { type: ['connection', 'start'], outcome: 'success', action: 'flow-creation' },
  '302016': { type: ['connection', 'end'], outcome: 'success', action: 'flow-expiration' },
  '605004': AUTH_FAIL,
  '605005': AUTH_OK,
};
