import UAParser from 'ua-parser-js';

export interface Device {
  device: string;
  client: string;
  os: string;
}

/** Mail clients and image proxies that ua-parser-js reports as a bare engine or not at all. */
const MAIL_CLIENTS: Array<[name: string, pattern: RegExp]> = [
  ['Gmail', /GoogleImageProxy/],
  ['Yahoo Mail', /YahooMailProxy/],
  ['Outlook', /Microsoft Outlook|ms-office|MSOffice/i],
  ['Thunderbird', /Thunderbird/],
  ['Apple Mail (Privacy Protection)', /^Mozilla\/5\.0$/],
  // Apple Mail on macOS and iOS: WebKit without a browser's name or version.
  ['Apple Mail', /AppleWebKit\/[\d.]+ \(KHTML, like Gecko\)(?: Mobile\/\w+)?$/],
];

const cache = new Map<string, Device>();

/** Device type, client and OS of a user agent, for the campaign's breakdown. */
export function describeUserAgent(userAgent: string | null): Device {
  if (!userAgent) return { device: 'unknown', client: 'unknown', os: 'unknown' };
  const cached = cache.get(userAgent);
  if (cached) return cached;
  const parsed = new UAParser(userAgent).getResult();
  const client = MAIL_CLIENTS.find(([, pattern]) => pattern.test(userAgent))?.[0] ?? parsed.browser.name ?? 'unknown';
  const os = parsed.os.name ?? 'unknown';
  const device = parsed.device.type ?? (parsed.os.name && !/Android|iOS/.test(parsed.os.name) ? 'desktop' : 'unknown');
  const described = { device, client, os };
  if (cache.size > 10_000) cache.clear();
  cache.set(userAgent, described);
  return described;
}
