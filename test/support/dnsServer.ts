import { createSocket, type RemoteInfo } from 'node:dgram';
import { afterAll, beforeAll } from 'vitest';

/**
 * A real DNS server on 127.0.0.1 (UDP) that answers TXT queries from `records`, which a test may
 * change between lookups. A name it does not know is NXDOMAIN; another type of a known name is an
 * empty answer. `mode` makes it fail the way real DNS does: 'silent' never answers (timeouts),
 * 'servfail' answers SERVFAIL.
 */
export interface DnsServer {
  /** 127.0.0.1:<port>, as DNS_SERVERS takes it. */
  address: string;
  /** Name (lower case, no trailing dot) → its TXT records; a string longer than 255 characters is sent in 255-character chunks, an array as these chunks. */
  records: Map<string, Array<string | string[]>>;
  mode: 'answer' | 'silent' | 'servfail';
  /** Every question received, as `<name> <type number>`. */
  queries: string[];
  close(): Promise<void>;
}

const TXT = 16;
const NOERROR = 0;
const SERVFAIL = 2;
const NXDOMAIN = 3;

/** The question's name (labels joined by dots) and where the question ends. Queries carry no compression pointers. */
function readQuestion(query: Buffer): { name: string; type: number; end: number } {
  const labels: string[] = [];
  let at = 12;
  while (query[at]! !== 0) {
    const length = query[at]!;
    labels.push(query.subarray(at + 1, at + 1 + length).toString('latin1'));
    at += 1 + length;
  }
  at += 1;
  return { name: labels.join('.'), type: query.readUInt16BE(at), end: at + 4 };
}

function chunks(record: string | string[]): Buffer[] {
  const parts = Array.isArray(record) ? record : (record.match(/[\s\S]{1,255}/g) ?? ['']);
  return parts.map((part) => {
    const text = Buffer.from(part, 'latin1');
    if (text.length > 255) throw new Error('a TXT chunk holds at most 255 bytes');
    return Buffer.concat([Buffer.from([text.length]), text]);
  });
}

function answer(server: DnsServer, query: Buffer): Buffer {
  const { name, type, end } = readQuestion(query);
  const known = server.records.get(name.toLowerCase().replace(/\.$/, ''));
  const rcode = server.mode === 'servfail' ? SERVFAIL : known ? NOERROR : NXDOMAIN;
  const answers = rcode === NOERROR && type === TXT ? known! : [];

  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2); // id
  // QR, the query's opcode and RD, AA; RA; the answer's code.
  header[2] = 0x80 | (query[2]! & 0x79) | 0x04;
  header[3] = 0x80 | rcode;
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answers.length, 6);
  const records = answers.map((record) => {
    const rdata = Buffer.concat(chunks(record));
    const fixed = Buffer.alloc(12);
    fixed.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
    fixed.writeUInt16BE(TXT, 2);
    fixed.writeUInt16BE(1, 4); // IN
    fixed.writeUInt32BE(60, 6);
    fixed.writeUInt16BE(rdata.length, 10);
    return Buffer.concat([fixed, rdata]);
  });
  return Buffer.concat([header, query.subarray(12, end), ...records]);
}

export function startDnsServer(records: Record<string, Array<string | string[]>> = {}): Promise<DnsServer> {
  return serve({} as DnsServer, records);
}

/** Starts the server on `server` itself, so that what a test sets on it later (mode, records) is what the server reads. */
async function serve<T extends DnsServer>(server: T, records: Record<string, Array<string | string[]>>): Promise<T> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => resolve());
  });
  Object.assign(server, {
    address: `127.0.0.1:${socket.address().port}`,
    records: new Map(Object.entries(records)),
    mode: 'answer',
    queries: [],
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  });
  socket.on('message', (query: Buffer, peer: RemoteInfo) => {
    if (query.length < 17) return;
    const { name, type } = readQuestion(query);
    server.queries.push(`${name} ${type}`);
    if (server.mode === 'silent') return;
    socket.send(answer(server, query), peer.port, peer.address);
  });
  return server;
}

/**
 * startDnsServer for a whole suite, with `env` to hand to useTestApp: call it before
 * useTestApp, so that its beforeAll has set DNS_SERVERS when the app starts.
 */
export function useDnsServer(): DnsServer & { env: Record<string, string> } {
  const dns = { env: {} } as DnsServer & { env: Record<string, string> };
  beforeAll(async () => {
    await serve(dns, {});
    dns.env.DNS_SERVERS = dns.address;
  });
  afterAll(() => dns.close?.());
  return dns;
}
