import type { AddressInfo } from 'node:net';
import smpp, { type PDU, type Session, type ShortMessage } from 'smpp';

/**
 * A small SMSC for tests and benchmarks, on the `smpp` package's server over
 * a real socket: it binds transceivers, accepts (or throttles, or drops the
 * connection on) submit_sm, reassembles concatenated SMS, and sends delivery
 * receipts and replies from phones as deliver_sm.
 */

export interface AcceptedPart {
  messageId: string;
  to: string;
  from: string;
  sourceTon: number;
  dataCoding: number;
  esmClass: number;
  registeredDelivery: number;
  /** Concatenation header (8-bit reference) when the UDH indicator is set. */
  udh?: { reference: number; count: number; index: number };
  text: string;
}

export interface ReceivedSms {
  to: string;
  from: string;
  text: string;
  parts: number;
  /** SMSC message id of each part, in order. */
  ids: string[];
  dataCoding: number;
}

/**
 * What the SMSC does with the n-th submit_sm (0-based, counting every one
 * received): accept, answer this error status, or drop the connection, like a
 * crash: that submit and those after it on the session are never answered nor
 * kept, the answers already given still reach the client.
 */
export type SubmitDecision = 'accept' | 'drop' | number;

export interface TestSmsc {
  port: number;
  url(query?: string): string;
  accepted: AcceptedPart[];
  /** Complete SMS in order of completion, concatenated ones reassembled. */
  received(): ReceivedSms[];
  /** Bound sessions so far (reconnections included). */
  binds: number;
  enquireLinks: number;
  /** False: enquire_link is left unanswered, like a dead link. */
  answersEnquireLink: boolean;
  onSubmit: (part: AcceptedPart, n: number) => SubmitDecision;
  /** Called after a part was accepted and answered (e.g. to send its receipt at once). */
  afterAccept: (part: AcceptedPart) => void;
  receipt(messageId: string, stat: string, options?: { error?: string; withTlvs?: boolean }): Promise<number>;
  reply(from: string, text: string, options?: { international?: boolean }): Promise<number>;
  close(): Promise<void>;
}

const STATES: Record<string, number> = { ENROUTE: 1, DELIVRD: 2, EXPIRED: 3, DELETED: 4, UNDELIV: 5, ACCEPTD: 6, UNKNOWN: 7, REJECTD: 8 };

const textOf = (value: PDU['short_message']) => {
  const message = value && typeof value === 'object' && !Buffer.isBuffer(value) ? (value as ShortMessage).message : value;
  return Buffer.isBuffer(message) ? message.toString('latin1') : (message ?? '');
};

export async function startTestSmsc(credentials = { systemId: 'ricochet', password: 'secret' }): Promise<TestSmsc> {
  const bound: Session[] = [];
  let submits = 0;
  let nextId = 0x1000;
  const fragments = new Map<string, AcceptedPart[]>();
  const complete: ReceivedSms[] = [];

  const smsc: TestSmsc = {
    port: 0,
    url: (query = '') => `smpp://${credentials.systemId}:${credentials.password}@127.0.0.1:${smsc.port}${query ? `?${query}` : ''}`,
    accepted: [],
    received: () => complete,
    binds: 0,
    enquireLinks: 0,
    answersEnquireLink: true,
    onSubmit: () => 'accept',
    afterAccept: () => {},
    receipt(messageId, stat, options = {}) {
      const part = smsc.accepted.find((p) => p.messageId === messageId);
      const text = `id:${messageId} sub:001 dlvrd:${stat === 'DELIVRD' ? '001' : '000'} submit date:2506101200 done date:2506101201 stat:${stat} err:${options.error ?? '000'} text:`;
      return deliver({
        source_addr: part?.to ?? '',
        source_addr_ton: 1,
        destination_addr: part?.from ?? '',
        esm_class: 0x04,
        short_message: text,
        ...(options.withTlvs !== false && { receipted_message_id: messageId, message_state: STATES[stat] ?? 7 }),
      });
    },
    reply(from, text, options = {}) {
      return deliver({ source_addr: from, source_addr_ton: options.international === false ? 0 : 1, destination_addr: '36111', esm_class: 0, short_message: text });
    },
    close: () =>
      new Promise((resolve) => {
        for (const session of server.sessions.slice()) session.destroy();
        server.close(() => resolve());
      }),
  };

  function deliver(fields: Record<string, unknown>): Promise<number> {
    const session = [...bound].reverse().find((s) => !s.socket.destroyed);
    if (!session) return Promise.reject(new Error('no bound session to deliver to'));
    return new Promise((resolve) => session.deliver_sm(fields, (response) => resolve(response.command_status)));
  }

  function record(part: AcceptedPart): void {
    smsc.accepted.push(part);
    if (!part.udh) {
      complete.push({ to: part.to, from: part.from, text: part.text, parts: 1, ids: [part.messageId], dataCoding: part.dataCoding });
      return;
    }
    const key = `${part.to}/${part.udh.reference}/${part.udh.count}`;
    const got = fragments.get(key) ?? [];
    got.push(part);
    fragments.set(key, got);
    if (got.length < part.udh.count) return;
    fragments.delete(key);
    got.sort((a, b) => a.udh!.index - b.udh!.index);
    complete.push({ to: part.to, from: part.from, text: got.map((p) => p.text).join(''), parts: got.length, ids: got.map((p) => p.messageId), dataCoding: part.dataCoding });
  }

  const dropped = new WeakSet<Session>();
  const server = smpp.createServer((session) => {
    session.socket.setNoDelay(true);
    session.on('error', () => {});
    session.on('bind_transceiver', (pdu: PDU) => {
      if (pdu.system_id !== credentials.systemId || pdu.password !== credentials.password) {
        session.send(pdu.response({ command_status: smpp.ESME_RINVPASWD }));
        return;
      }
      smsc.binds++;
      bound.push(session);
      session.send(pdu.response({ system_id: 'test-smsc' }));
    });
    session.on('enquire_link', (pdu: PDU) => {
      smsc.enquireLinks++;
      if (smsc.answersEnquireLink) session.send(pdu.response());
    });
    session.on('unbind', (pdu: PDU) => {
      session.send(pdu.response());
      session.close();
    });
    session.on('submit_sm', (pdu: PDU) => {
      if (dropped.has(session)) return;
      const short = pdu.short_message as ShortMessage;
      const header = short.udh?.find((h) => h[0] === 0x00);
      const part: AcceptedPart = {
        messageId: '',
        to: pdu.destination_addr ?? '',
        from: pdu.source_addr ?? '',
        sourceTon: pdu.source_addr_ton ?? 0,
        dataCoding: pdu.data_coding ?? 0,
        esmClass: pdu.esm_class ?? 0,
        registeredDelivery: pdu.registered_delivery ?? 0,
        udh: header && { reference: header[2]!, count: header[3]!, index: header[4]! },
        text: textOf(short),
      };
      const decision = smsc.onSubmit(part, submits++);
      if (decision === 'drop') {
        dropped.add(session);
        session.socket.end();
        return;
      }
      if (decision !== 'accept') {
        session.send(pdu.response({ command_status: decision }));
        return;
      }
      part.messageId = (nextId++).toString(16);
      record(part);
      session.send(pdu.response({ message_id: part.messageId }));
      smsc.afterAccept(part);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  smsc.port = (server.address() as AddressInfo).port;
  return smsc;
}
