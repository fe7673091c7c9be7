import { createPrivateKey, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { parseSendWindow } from './settings/sendWindow.js';
import { parseSmppUrl } from './settings/smpp.js';
import { dkimKeyText, smtpSettings } from './settings/smtp.js';

/** Everything Ricochet reads from the environment, validated once at start-up. */
export interface Config {
  databaseUrl: string;
  dataDir: string;
  port: number;
  host: string;
  publicUrl: string;
  /** HMAC key for tracking tokens; undefined means "generate once and keep in DATA_DIR". */
  secret: string | undefined;
  defaultCountry: string | undefined;
  smtpUrl: string | undefined;
  dkim: { domain: string; selector: string; privateKey: string | undefined; privateKeyFile: string | undefined } | undefined;
  smppUrl: string | undefined;
  smsSendWindow: string;
  smsStopText: string;
  smsMaxParts: number;
  trackingConsentDefault: boolean;
  keepFullIp: boolean;
  /** How long a sender holds the messages it claimed; a crashed sender's messages are taken over after it. */
  senderLeaseSeconds: number;
  logLevel: string;
  /**
   * Which peers may set the client address with X-Forwarded-For: false (nobody,
   * the default), a hop count, or addresses and CIDR ranges, as Fastify's trustProxy takes.
   */
  trustProxy: boolean | number | string[];
  /** Largest CSV upload accepted, in bytes. */
  maxUploadBytes: number;
  /** Resolvers that check sending domains' DNS records (`ip` or `ip:port`); undefined means the system's. */
  dnsServers: string[] | undefined;
  /** The mail provider's SPF domain that sending domains' SPF records include (e.g. _spf.provider.example); undefined: `mx`. */
  spfInclude: string | undefined;
  /** Days an unconfirmed form sign-up waits before its pending contact is removed. */
  signupExpiryDays: number;
}

export class ConfigError extends Error {
  constructor(readonly variable: string, problem: string) {
    super(`${variable}: ${problem}`);
  }
}

type Env = Record<string, string | undefined>;

function nonEmpty(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = nonEmpty(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = nonEmpty(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

function url(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = nonEmpty(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, 'is not a valid URL');
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must start with ${protocols.map((p) => p + '//').join(' or ')}`);
  }
  return raw;
}

/** Runs the parser that the sender itself uses on the value, so that what it would refuse mid-campaign is refused at start. */
function checked(name: string, value: string | undefined, parse: (value: string) => unknown): string | undefined {
  if (value === undefined) return undefined;
  try {
    parse(value);
  } catch (error) {
    throw new ConfigError(name, (error as Error).message.replace(`${name}: `, ''));
  }
  return value;
}

/** A DKIM key, read the way the sender reads it: an RSA private key (nodemailer signs rsa-sha256). The key never goes into a message. */
function checkDkimKey(name: string, read: () => string): void {
  let text: string;
  try {
    text = read();
  } catch (error) {
    throw new ConfigError(name, `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(text);
  } catch {
    throw new ConfigError(name, 'is not an unencrypted private key in PEM form (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----)');
  }
  if (key.asymmetricKeyType !== 'rsa') throw new ConfigError(name, `is an ${key.asymmetricKeyType} key: DKIM signing needs an RSA key`);
}

/** DNS_SERVERS: comma-separated addresses, each with an optional port (1.1.1.1, 127.0.0.1:5353, [::1]:53), as dns.Resolver takes them. */
function dnsServers(env: Env): string[] | undefined {
  const raw = nonEmpty(env, 'DNS_SERVERS');
  if (raw === undefined) return undefined;
  const entries = raw.split(',').map((entry) => entry.trim()).filter(Boolean);
  for (const entry of entries) {
    const match = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry) ?? /^([^:]+):(\d+)$/.exec(entry) ?? [entry, entry, undefined];
    const [, address, port] = match;
    if (!isIP(address ?? '') || (port !== undefined && !(Number(port) >= 1 && Number(port) <= 65535))) {
      throw new ConfigError('DNS_SERVERS', `"${entry}" is not an address with an optional port (e.g. 1.1.1.1,9.9.9.9:53,[2606:4700::1111])`);
    }
  }
  return entries.length ? entries : undefined;
}

/** SPF_INCLUDE: the domain name an SPF `include:` names (underscores allowed, as in _spf.provider.example). */
function spfInclude(env: Env): string | undefined {
  const raw = nonEmpty(env, 'SPF_INCLUDE')?.toLowerCase().replace(/\.$/, '');
  if (raw === undefined) return undefined;
  const label = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;
  if (raw.length > 253 || !raw.includes('.') || !raw.split('.').every((part) => label.test(part))) {
    throw new ConfigError('SPF_INCLUDE', `"${raw}" is not a domain name (e.g. _spf.provider.example)`);
  }
  return raw;
}

/** TRUST_PROXY: unset/false, true, a hop count, or comma-separated addresses and CIDRs. */
function trustProxy(env: Env): Config['trustProxy'] {
  const raw = nonEmpty(env, 'TRUST_PROXY');
  if (raw === undefined || ['false', '0', 'no', 'off'].includes(raw.toLowerCase())) return false;
  if (['true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (/^\d+$/.test(raw)) return integer(env, 'TRUST_PROXY', 0, 1, 100);
  const entries = raw.split(',').map((entry) => entry.trim()).filter(Boolean);
  for (const entry of entries) {
    const [address, bits, extra] = entry.split('/');
    const family = isIP(address ?? '');
    const maxBits = family === 6 ? 128 : 32;
    const bitsOk = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= maxBits);
    if (!family || !bitsOk || extra !== undefined) {
      throw new ConfigError('TRUST_PROXY', `"${entry}" is not an address or CIDR range (use true, a hop count, or e.g. 10.0.0.0/8,127.0.0.1)`);
    }
  }
  return entries;
}

export function loadConfig(env: Env = process.env): Config {
  const dataDir = resolve(nonEmpty(env, 'DATA_DIR') ?? './data');
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const databaseUrl = nonEmpty(env, 'DATABASE_URL') ?? `sqlite:${resolve(dataDir, 'ricochet.db')}`;
  if (!/^(sqlite:|postgres:\/\/|postgresql:\/\/)/.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL', 'must be sqlite:<path> or postgres://…');
  }
  const publicUrl = (url(env, 'PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${port}`).replace(/\/+$/, '');
  const secret = nonEmpty(env, 'SECRET');
  if (secret !== undefined && secret.length < 32) {
    throw new ConfigError('SECRET', 'must be at least 32 characters');
  }
  const defaultCountry = nonEmpty(env, 'DEFAULT_COUNTRY')?.toUpperCase();
  if (defaultCountry !== undefined && !/^[A-Z]{2}$/.test(defaultCountry)) {
    throw new ConfigError('DEFAULT_COUNTRY', 'must be a two-letter country code such as FR');
  }
  const dkimDomain = nonEmpty(env, 'DKIM_DOMAIN');
  let dkim: Config['dkim'];
  if (dkimDomain) {
    const selector = nonEmpty(env, 'DKIM_SELECTOR');
    const privateKey = nonEmpty(env, 'DKIM_PRIVATE_KEY');
    const privateKeyFile = nonEmpty(env, 'DKIM_PRIVATE_KEY_FILE');
    if (!selector) throw new ConfigError('DKIM_SELECTOR', 'is required when DKIM_DOMAIN is set');
    if (!privateKey && !privateKeyFile) {
      throw new ConfigError('DKIM_PRIVATE_KEY', 'or DKIM_PRIVATE_KEY_FILE is required when DKIM_DOMAIN is set');
    }
    if (privateKey) checkDkimKey('DKIM_PRIVATE_KEY', () => dkimKeyText({ privateKey }));
    if (privateKeyFile) checkDkimKey('DKIM_PRIVATE_KEY_FILE', () => dkimKeyText({ privateKeyFile }));
    dkim = { domain: dkimDomain, selector, privateKey, privateKeyFile };
  }
  const logLevel = nonEmpty(env, 'LOG_LEVEL') ?? 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', 'must be one of fatal, error, warn, info, debug, trace, silent');
  }
  return {
    databaseUrl,
    dataDir,
    port,
    host: nonEmpty(env, 'HOST') ?? '0.0.0.0',
    publicUrl,
    secret,
    defaultCountry,
    smtpUrl: checked('SMTP_URL', url(env, 'SMTP_URL', ['smtp:', 'smtps:']), smtpSettings),
    dkim,
    smppUrl: checked('SMPP_URL', url(env, 'SMPP_URL', ['smpp:']), parseSmppUrl),
    smsSendWindow: checked('SMS_SEND_WINDOW', nonEmpty(env, 'SMS_SEND_WINDOW'), parseSendWindow) ?? 'Mon-Sat 08:00-20:00 Europe/Paris',
    smsStopText: nonEmpty(env, 'SMS_STOP_TEXT') ?? 'STOP au 36111',
    smsMaxParts: integer(env, 'SMS_MAX_PARTS', 3, 1, 10),
    trackingConsentDefault: boolean(env, 'TRACKING_CONSENT_DEFAULT', true),
    keepFullIp: boolean(env, 'KEEP_FULL_IP', false),
    senderLeaseSeconds: integer(env, 'SENDER_LEASE_SECONDS', 60, 2, 3600),
    logLevel,
    trustProxy: trustProxy(env),
    maxUploadBytes: integer(env, 'MAX_UPLOAD_MB', 200, 1, 100_000) * 1024 * 1024,
    dnsServers: dnsServers(env),
    spfInclude: spfInclude(env),
    signupExpiryDays: integer(env, 'SIGNUP_EXPIRY_DAYS', 30, 1, 3650),
  };
}
