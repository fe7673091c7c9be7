import { isIPv4, isIPv6 } from 'node:net';

/**
 * The address kept with an event: its /24 (IPv4) or /48 (IPv6) network, enough
 * to see proxies and scanners' networks without identifying a household, unless
 * KEEP_FULL_IP asks for the full address.
 */
export function storedIp(ip: string | undefined, keepFull: boolean): string | null {
  if (!ip) return null;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  const address = mapped ? mapped[1]! : ip;
  if (keepFull) return address;
  if (isIPv4(address)) return address.replace(/\.\d+$/, '.0');
  if (isIPv6(address)) return ipv6Network48(address);
  return null;
}

function ipv6Network48(address: string): string {
  const [head = '', tail = ''] = address.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = address.includes('::') ? [...headGroups, ...Array(missing).fill('0'), ...tailGroups] : headGroups;
  return `${groups.slice(0, 3).map((g) => g.toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::`;
}
