import { isbot } from 'isbot';

/**
 * Human or machine: every open and click is labelled, with the reason kept, and
 * none is ever dropped. The rules and their sources are in docs/tracking.md.
 */

export interface Label {
  human: boolean;
  reason: string;
}

/** Security gateways and HTTP libraries that fetch links and images on their own. */
const SCANNERS: Array<[name: string, pattern: RegExp]> = [
  ['microsoft', /Microsoft Office (Existence|Protocol) Discovery|BingPreview|SkypeUriPreview|Microsoft Preview|MSIE 6\.0; Windows NT 5\.1; SV1\)$/i],
  ['proofpoint', /proofpoint|ppops-/i],
  ['mimecast', /mimecast/i],
  ['barracuda', /barracuda/i],
  ['symantec', /symantec|messagelabs|broadcom/i],
  ['cisco', /ironport|cisco/i],
  ['trendmicro', /trend ?micro/i],
  ['sophos', /sophos/i],
  ['fortinet', /forti(guard|net|mail)/i],
  ['forcepoint', /forcepoint|websense/i],
  ['zscaler', /zscaler/i],
  ['http-library', /^(python-requests|python-urllib|aiohttp|curl|wget|go-http-client|java\/|okhttp|libwww-perl|axios|node-fetch|undici|apache-httpclient|httpclient|guzzlehttp|ruby|php)/i],
];

/** Apple Mail Privacy Protection fetches every image through proxies announcing only this. */
const BARE_MOZILLA = /^Mozilla\/5\.0$/;
/** Google fetches images through its proxy when the recipient opens the mail: a human open. */
const GOOGLE_IMAGE_PROXY = /GoogleImageProxy/;

/** A click this soon after delivery comes from a gateway scanning the message, not a reader. */
export const CLICK_AFTER_DELIVERY_MS = 10_000;
/** Different links of one message clicked this close together: a scanner following every link. */
export const LINK_BURST_MS = 1_000;
/** Clicks this close to a click on the invisible honeypot link come from the same scanner. */
export const HONEYPOT_BURST_MS = 10_000;

/** The same token hit again from the same address this soon: a loop or a prefetcher, not a person. */
export const REPEAT_MS = 1_000;

export interface RequestSignals {
  type: 'open' | 'click';
  head: boolean;
  userAgent: string | null;
  honeypot: boolean;
  /** Milliseconds since the message was delivered; null when unknown (anonymous tracking). */
  sinceDelivery: number | null;
  /** The same token was hit from the same address less than REPEAT_MS before (repeatDetector). */
  repeat?: boolean;
}

/** The rules one request decides on its own, in order of certainty. */
export function labelRequest(signals: RequestSignals): Label {
  const label = singleRequestLabel(signals);
  // The more telling reasons (HEAD, scanner, …) stay; a hit that would pass for a person's is a repeat.
  return label.human && signals.repeat ? machine('repeat') : label;
}

function singleRequestLabel(signals: RequestSignals): Label {
  if (signals.head) return machine('head-request');
  if (signals.honeypot) return machine('honeypot-link');
  const byAgent = userAgentLabel(signals.type, signals.userAgent?.trim() ?? '');
  if (byAgent) return byAgent;
  if (signals.type === 'click' && signals.sinceDelivery !== null && signals.sinceDelivery >= 0 && signals.sinceDelivery < CLICK_AFTER_DELIVERY_MS) {
    return machine('click-seconds-after-delivery');
  }
  return { human: true, reason: 'browser' };
}

// The same few user agents come back all day: each is matched against the lists once.
const agentLabels = new Map<string, Label | null>();

/** What the user agent alone says; null when it looks like a person's mail client or browser. */
function userAgentLabel(type: RequestSignals['type'], ua: string): Label | null {
  const key = `${type}:${ua}`;
  let label = agentLabels.get(key);
  if (label !== undefined) return label;
  const scanner = SCANNERS.find(([, pattern]) => pattern.test(ua));
  if (scanner) label = machine(`scanner:${scanner[0]}`);
  else if (type === 'open' && GOOGLE_IMAGE_PROXY.test(ua)) label = { human: true, reason: 'google-image-proxy' };
  else if (BARE_MOZILLA.test(ua)) label = machine(type === 'open' ? 'apple-mail-privacy-protection' : 'bare-user-agent');
  else if (!ua) label = machine('no-user-agent');
  else if (isbot(ua)) label = machine('bot-user-agent');
  else label = null;
  if (agentLabels.size >= 10_000) agentLabels.clear();
  agentLabels.set(key, label);
  return label;
}

/**
 * Remembers when each token was last hit from each address, in this process's
 * memory: `seen` answers whether the same key was hit less than REPEAT_MS
 * before, and every hit moves its key's time, so a loop stays a repeat for as
 * long as it runs. At most `capacity` keys are kept; the least recently hit go
 * first (they are long past the window anyway).
 */
export function repeatDetector(capacity = 50_000): { seen(key: string, at: number): boolean } {
  const lastHit = new Map<string, number>();
  return {
    seen(key, at) {
      const last = lastHit.get(key);
      // Map order is insertion order: delete and set again, so the oldest key is always first.
      lastHit.delete(key);
      lastHit.set(key, last === undefined ? at : Math.max(last, at));
      if (lastHit.size > capacity) lastHit.delete(lastHit.keys().next().value!);
      return last !== undefined && Math.abs(at - last) < REPEAT_MS;
    },
  };
}

export interface Click {
  linkId: number;
  at: number;
  honeypot: boolean;
  label: Label;
}

/**
 * The rules that need the message's other clicks: a click on the honeypot makes
 * every click of the same burst machine, and so do different links clicked within
 * a second. Labels are updated in place; returns the clicks of `others` that were
 * human and no longer are.
 */
export function labelBurst(click: Click, others: readonly Click[]): Click[] {
  const relabelled: Click[] = [];
  const mark = (target: Click, reason: string) => {
    if (!target.label.human) return;
    target.label = machine(reason);
    if (target !== click) relabelled.push(target);
  };
  for (const other of others) {
    const gap = Math.abs(other.at - click.at);
    if (gap < HONEYPOT_BURST_MS && (click.honeypot || other.honeypot)) {
      mark(click.honeypot ? other : click, 'honeypot-burst');
    } else if (gap < LINK_BURST_MS && other.linkId !== click.linkId) {
      mark(other, 'links-clicked-same-second');
      mark(click, 'links-clicked-same-second');
    }
  }
  return relabelled;
}

function machine(reason: string): Label {
  return { human: false, reason };
}
