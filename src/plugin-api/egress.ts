import { Resolver } from 'node:dns/promises';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { z } from 'zod';
import { LlmosError } from '../core/errors.js';

/**
 * Where a URL from a client (a model endpoint) may point. Link-local and
 * cloud metadata addresses are always refused; the operator's lists decide
 * the rest. Entries are host names ("api.example.com", "*.example.com", "*")
 * or addresses and CIDRs ("10.0.0.0/8", "fd00::/8").
 */
export const EgressPolicy = z
  .object({
    allow: z.array(z.string().min(1)).default([]).describe('When not empty, only these hosts or address ranges may be reached.'),
    deny: z.array(z.string().min(1)).default([]).describe('Hosts or address ranges never reached, whatever allow says.'),
  })
  .describe('Egress of client-given endpoints (model_register baseURL): host names, "*.domain" patterns, IPs and CIDRs.');
export type EgressPolicy = z.output<typeof EgressPolicy>;

/** Every address a host name resolves to. */
export type LookupAll = (host: string) => Promise<string[]>;

/** Per query: at most 2 tries of 2 s, so a name whose DNS server stalls settles within ~4 s. */
const resolver = new Resolver({ timeout: 2000, tries: 2 });

/**
 * A client-given name's addresses, from DNS (c-ares), never from libuv's
 * thread pool (getaddrinfo), whose one thread runs the in-process model's
 * decodes (src/daemon/kernel-env.ts): a client naming a host whose DNS is
 * slow delays no one else. "localhost" and *.localhost are loopback (RFC
 * 6761); names only /etc/hosts knows do not resolve for clients.
 */
const lookupAll: LookupAll = async (host) => {
  if (host === 'localhost' || host.endsWith('.localhost')) return ['127.0.0.1', '::1'];
  const answers = await Promise.allSettled([resolver.resolve4(host), resolver.resolve6(host)]);
  return answers.flatMap((a) => (a.status === 'fulfilled' ? a.value : []));
};

const METADATA_HOSTS = new Set(['metadata.google.internal', 'metadata.goog', 'metadata', 'instance-data', 'instance-data.ec2.internal']);

/** Link-local ranges and metadata services, in every form a socket accepts (IPv4-mapped IPv6 is matched by BlockList). */
const ALWAYS_REFUSED = (() => {
  const b = new BlockList();
  b.addSubnet('169.254.0.0', 16, 'ipv4'); // IPv4 link-local, incl. 169.254.169.254 (AWS, Azure, GCP, Oracle metadata)
  b.addSubnet('fe80::', 10, 'ipv6'); // IPv6 link-local
  b.addAddress('fd00:ec2::254', 'ipv6'); // AWS metadata over IPv6
  b.addAddress('100.100.100.200', 'ipv4'); // Alibaba Cloud metadata
  b.addSubnet('64:ff9b::a9fe:0', 112, 'ipv6'); // 169.254.0.0/16 through NAT64
  return b;
})();

const family = (ip: string) => (isIP(ip) === 6 ? 'ipv6' : 'ipv4');

/** An operator list split into host patterns and address ranges. */
function compile(entries: readonly string[]): { hosts: string[]; ranges: BlockList } {
  const ranges = new BlockList();
  const hosts: string[] = [];
  for (const raw of entries) {
    const e = raw.trim().toLowerCase();
    const [ip, bits] = e.split('/');
    if (isIP(ip)) {
      if (bits === undefined) ranges.addAddress(ip, family(ip));
      else ranges.addSubnet(ip, Number(bits), family(ip));
    } else hosts.push(e.replace(/\.$/, ''));
  }
  return { hosts, ranges };
}

const hostMatches = (host: string, patterns: readonly string[]) =>
  patterns.some((p) => p === '*' || p === host || (p.startsWith('*.') && host.endsWith(p.slice(1))));

/**
 * The same LLMOS_EUNAVAILABLE for every endpoint that cannot be used,
 * whatever the cause (refused, timed out, unknown host, an error status, not
 * JSON), quoting nothing from upstream, so registration cannot be used to
 * probe ports. The cause goes to the server log only.
 */
export function unreachableEndpoint(modelId: string): LlmosError {
  return new LlmosError(
    'LLMOS_EUNAVAILABLE',
    `model "${modelId}" failed its health probe: the endpoint is unreachable, too slow, or does not answer as its kind expects; check that it is up and that the config (baseURL, model, api_key_env) is right, then try again. The cause is in the server log.`,
    { model: modelId },
  );
}

/** The policy compiled once: why it refuses `host` itself, and why it refuses one address `host` resolved to (undefined: allowed). */
function verdicts(policy: EgressPolicy) {
  const allow = compile(policy.allow);
  const deny = compile(policy.deny);
  return {
    host: (host: string): string | undefined => (METADATA_HOSTS.has(host) ? 'is a cloud metadata service' : hostMatches(host, deny.hosts) ? 'is on the egress deny list' : undefined),
    address(host: string, a: string): string | undefined {
      if (ALWAYS_REFUSED.check(a, family(a))) return `resolves to ${a}, a link-local or metadata address`;
      if (deny.ranges.check(a, family(a))) return `resolves to ${a}, on the egress deny list`;
      if (policy.allow.length && !hostMatches(host, allow.hosts) && !allow.ranges.check(a, family(a))) return `resolves to ${a}, not on the egress allow list`;
      return undefined;
    },
  };
}

const bareHost = (hostname: string) => hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();

/**
 * Checks a client-given URL against the policy, after DNS resolution (every
 * address the host resolves to must pass). Throws LLMOS_EPERM for a refused
 * destination, LLMOS_EINVAL for a scheme other than http(s), and
 * unreachableEndpoint(modelId) when the name does not resolve. `plugin`
 * names whose options.egress the refusal points the operator to.
 */
export async function checkEgress(url: string, policy: EgressPolicy, modelId: string, resolveHost: LookupAll = lookupAll, plugin = 'the backend plugin'): Promise<void> {
  const u = new URL(url);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new LlmosError('LLMOS_EINVAL', `baseURL must be http or https, not "${u.protocol}"; give the endpoint's http(s) URL.`, { field: 'baseURL' });
  const host = bareHost(u.hostname);
  const refuse = (why: string) =>
    new LlmosError('LLMOS_EPERM', `baseURL host "${host}" ${why}; the server does not connect there. Use another endpoint; the operator lists the allowed ones in ${plugin}'s options.egress.`, { host });
  const verdict = verdicts(policy);
  const hostRefused = verdict.host(host);
  if (hostRefused) throw refuse(hostRefused);
  const addresses = isIP(host) ? [host] : await resolveHost(host).catch(() => [] as string[]);
  if (!addresses.length) throw unreachableEndpoint(modelId);
  for (const a of addresses) {
    const why = verdict.address(host, a);
    if (why) throw refuse(why);
  }
}

/**
 * The socket lookup for connections to a client-given endpoint: resolves as
 * net does, then refuses the connection (an error with code LLMOS_EPERM) when
 * any address fails the policy. checkEgress ran when the endpoint was
 * registered; this holds at every connection, so a name that resolved to an
 * allowed address then cannot later rebind to a refused one (DNS rebinding).
 */
export function egressLookup(policy: EgressPolicy, resolveHost: LookupAll = lookupAll): LookupFunction {
  const verdict = verdicts(policy);
  return ((hostname: string, options: { all?: boolean }, callback: (err: Error | null, address: string | { address: string; family: number }[], family?: number) => void) => {
    const host = bareHost(hostname);
    const refused = (why: string) => callback(Object.assign(new Error(`egress refused: host "${host}" ${why}`), { code: 'LLMOS_EPERM' }), '');
    const hostRefused = verdict.host(host);
    if (hostRefused) return refused(hostRefused);
    (isIP(host) ? Promise.resolve([host]) : resolveHost(host)).then(
      (addresses) => {
        if (!addresses.length) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' }), '');
        for (const a of addresses) {
          const why = verdict.address(host, a);
          if (why) return refused(why);
        }
        if (options.all) callback(null, addresses.map((a) => ({ address: a, family: isIP(a) })));
        else callback(null, addresses[0], isIP(addresses[0]));
      },
      (e: Error) => callback(e, ''),
    );
  }) as LookupFunction;
}
