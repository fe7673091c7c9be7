import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ricochetArgs } from '../test/support/compiled.js';
import { ConfigError, loadConfig } from './config.js';

const run = promisify(execFile);

describe('configuration', () => {
  it('has working defaults for a fresh machine', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toMatch(/^sqlite:.*data\/ricochet\.db$/);
    expect(config.publicUrl).toBe('http://localhost:3000');
    expect(config.smsSendWindow).toBe('Mon-Sat 08:00-20:00 Europe/Paris');
    expect(config.signupExpiryDays).toBe(30);
    expect(loadConfig({ SIGNUP_EXPIRY_DAYS: '7' }).signupExpiryDays).toBe(7);
  });

  it('trusts no proxy unless TRUST_PROXY says which', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '127.0.0.1' }).trustProxy).toEqual(['127.0.0.1']);
    expect(loadConfig({ TRUST_PROXY: ' 10.0.0.0/8, ::1 ' }).trustProxy).toEqual(['10.0.0.0/8', '::1']);
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
  });

  it('checks sending domains with the system resolver and a plain SPF unless told otherwise', () => {
    expect(loadConfig({})).toMatchObject({ dnsServers: undefined, spfInclude: undefined });
    const config = loadConfig({ DNS_SERVERS: ' 1.1.1.1, 127.0.0.1:5353,[::1]:53 ', SPF_INCLUDE: '_SPF.Provider.example.' });
    expect(config.dnsServers).toEqual(['1.1.1.1', '127.0.0.1:5353', '[::1]:53']);
    expect(config.spfInclude).toBe('_spf.provider.example');
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ PUBLIC_URL: 'ftp://example.com' }, 'PUBLIC_URL'],
    [{ SMTP_URL: 'http://mail' }, 'SMTP_URL'],
    [{ SECRET: 'short' }, 'SECRET'],
    [{ DKIM_DOMAIN: 'example.com' }, 'DKIM_SELECTOR'],
    [{ TRACKING_CONSENT_DEFAULT: 'maybe' }, 'TRACKING_CONSENT_DEFAULT'],
    [{ TRUST_PROXY: 'proxy.internal' }, 'TRUST_PROXY'],
    [{ TRUST_PROXY: '10.0.0.0/33' }, 'TRUST_PROXY'],
    [{ TRUST_PROXY: '127.0.0.1,10.0.0.0/8/1' }, 'TRUST_PROXY'],
    [{ MAX_UPLOAD_MB: 'lots' }, 'MAX_UPLOAD_MB'],
    [{ MAX_UPLOAD_MB: '0' }, 'MAX_UPLOAD_MB'],
    [{ DNS_SERVERS: 'dns.google' }, 'DNS_SERVERS'],
    [{ DNS_SERVERS: '1.1.1.1,127.0.0.1:70000' }, 'DNS_SERVERS'],
    [{ SPF_INCLUDE: 'spf provider' }, 'SPF_INCLUDE'],
    [{ SPF_INCLUDE: 'localhost' }, 'SPF_INCLUDE'],
    [{ SIGNUP_EXPIRY_DAYS: '0' }, 'SIGNUP_EXPIRY_DAYS'],
    [{ SIGNUP_EXPIRY_DAYS: 'a month' }, 'SIGNUP_EXPIRY_DAYS'],
  ])('names the variable in error: %o', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    try {
      loadConfig(env);
    } catch (error) {
      expect((error as ConfigError).variable).toBe(variable);
      expect((error as Error).message).toMatch(new RegExp(`^${variable}: `));
    }
  });

  it('makes the CLI exit non-zero with the variable named, and prints a new API key alone on the last line', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ricochet-cli-'));
    const env = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', PORT: '' };
    try {
      const bad = await run(process.execPath, ricochetArgs('migrate'), { env: { ...env, PORT: 'eighty' } }).catch((e) => e);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain('PORT: must be a whole number');
      expect(bad.stderr).not.toMatch(/\n\s+at /);

      const created = await run(process.execPath, ricochetArgs('apikey', 'create', 'ci'), { env });
      const lastLine = created.stdout.trim().split('\n').pop();
      expect(lastLine).toMatch(/^rk_[A-Za-z0-9_-]{43}$/);
      const listed = await run(process.execPath, ricochetArgs('apikey', 'list'), { env });
      expect(listed.stdout).toContain('ci');
      expect(listed.stdout).not.toContain(lastLine);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('delivery settings, checked at start rather than mid-campaign', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ricochet-dkim-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const pem = (key: { export(options: { type: 'pkcs8' | 'spki'; format: 'pem' }): string | Buffer }, type: 'pkcs8' | 'spki' = 'pkcs8') => key.export({ type, format: 'pem' }).toString();
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const file = (name: string, content: string) => {
    writeFileSync(join(dir, name), content);
    return join(dir, name);
  };
  const keyFile = file('dkim.pem', pem(rsa.privateKey));
  const dkim = (env: Record<string, string>) => ({ DKIM_DOMAIN: 'shop.test', DKIM_SELECTOR: 'ricochet', ...env });

  it.each([
    ['SMTP_URL pool=abc', { SMTP_URL: 'smtp://mail.example?pool=abc' }, 'SMTP_URL'],
    ['SMTP_URL pool=0', { SMTP_URL: 'smtp://mail.example?pool=0' }, 'SMTP_URL'],
    ['SMTP_URL pool=2.5', { SMTP_URL: 'smtp://mail.example?pool=2.5' }, 'SMTP_URL'],
    ['SMTP_URL rate=-1', { SMTP_URL: 'smtp://mail.example?rate=-1' }, 'SMTP_URL'],
    ['SMTP_URL rate=fast', { SMTP_URL: 'smtps://mail.example?rate=fast' }, 'SMTP_URL'],
    ['SMPP_URL window=0', { SMPP_URL: 'smpp://shop:secret@smsc.example?window=0' }, 'SMPP_URL'],
    ['SMPP_URL enquire_link=often', { SMPP_URL: 'smpp://shop:secret@smsc.example?enquire_link=often' }, 'SMPP_URL'],
    ['SMPP_URL timeout=9999', { SMPP_URL: 'smpp://shop:secret@smsc.example?timeout=9999' }, 'SMPP_URL'],
    ['SMPP_URL with an unknown parameter', { SMPP_URL: 'smpp://shop:secret@smsc.example?windw=5' }, 'SMPP_URL'],
    ['SMS_SEND_WINDOW without minutes', { SMS_SEND_WINDOW: 'Mon-Sat 8-20 Europe/Paris' }, 'SMS_SEND_WINDOW'],
    ['SMS_SEND_WINDOW with an unknown day', { SMS_SEND_WINDOW: 'Mon-Sam 08:00-20:00 Europe/Paris' }, 'SMS_SEND_WINDOW'],
    ['SMS_SEND_WINDOW with an unknown time zone', { SMS_SEND_WINDOW: 'Mon-Sat 08:00-20:00 Mars/Olympus' }, 'SMS_SEND_WINDOW'],
    ['DKIM_PRIVATE_KEY that is no key', dkim({ DKIM_PRIVATE_KEY: 'not-a-key-at-all' }), 'DKIM_PRIVATE_KEY'],
    ['DKIM_PRIVATE_KEY that is a public key', dkim({ DKIM_PRIVATE_KEY: pem(rsa.publicKey, 'spki') }), 'DKIM_PRIVATE_KEY'],
    ['DKIM_PRIVATE_KEY that is not RSA', dkim({ DKIM_PRIVATE_KEY: pem(generateKeyPairSync('ed25519').privateKey) }), 'DKIM_PRIVATE_KEY'],
    ['DKIM_PRIVATE_KEY_FILE missing', dkim({ DKIM_PRIVATE_KEY_FILE: join(dir, 'missing.pem') }), 'DKIM_PRIVATE_KEY_FILE'],
    ['DKIM_PRIVATE_KEY_FILE that is a directory', dkim({ DKIM_PRIVATE_KEY_FILE: dir }), 'DKIM_PRIVATE_KEY_FILE'],
    ['DKIM_PRIVATE_KEY_FILE holding no key', dkim({ DKIM_PRIVATE_KEY_FILE: file('junk.pem', 'not-a-key-at-all') }), 'DKIM_PRIVATE_KEY_FILE'],
  ])('refuses %s', (_, env, variable) => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect((error as Error).message).toMatch(new RegExp(`^${variable}: `));
    // Neither a key (nor anything like its base64) nor a password ever reaches the message.
    expect((error as Error).message).not.toMatch(/not-a-key-at-all|secret|[A-Za-z0-9+/]{24}/);
  });

  it('accepts what the senders accept', () => {
    const config = loadConfig({
      SMTP_URL: 'smtp://user:pass@mail.example:2525?pool=3&rate=20',
      SMPP_URL: 'smpp://shop:secret@smsc.example:2776?window=50&enquire_link=15&timeout=5',
      SMS_SEND_WINDOW: 'Mon-Fri,Sun 09:00-19:30 America/New_York',
      ...dkim({ DKIM_PRIVATE_KEY_FILE: keyFile }),
    });
    expect(config).toMatchObject({ smtpUrl: expect.stringContaining('pool=3'), smppUrl: expect.stringContaining('window=50'), dkim: { privateKeyFile: keyFile } });
    expect(loadConfig({ SMS_SEND_WINDOW: 'always' }).smsSendWindow).toBe('always');
    // An inline key as .env files carry it: one line, with literal \n.
    const inline = pem(rsa.privateKey).trim().replace(/\n/g, '\\n');
    expect(loadConfig(dkim({ DKIM_PRIVATE_KEY: inline })).dkim?.privateKey).toBe(inline);
  });
});
