import smpp, { type PDU, type Session } from 'smpp';
import type { SmppOptions } from '../../settings/smpp.js';

/**
 * One bound SMPP 3.4 transceiver session that stays up: bind_transceiver,
 * a window of outstanding requests, enquire_link keep-alive, reconnection
 * with backoff, and a pause after the SMSC says it is throttling. What the
 * answers mean is the channel's business (channel.ts).
 */

/** No answer will come for this request: not bound, connection lost, or no response in time. */
export class LinkDown extends Error {}

export const THROTTLING = new Set([smpp.ESME_RTHROTTLED, smpp.ESME_RMSGQFUL]);

const statusNames = new Map(Object.entries(smpp.errors).map(([name, code]) => [code, name]));
export const statusName = (status: number) => `${statusNames.get(status) ?? 'error'} (0x${status.toString(16).padStart(8, '0')})`;

export interface SmppLink {
  /** Sends a request once a window slot and a bound session are free; resolves with the response, whatever its status. */
  request(command: string, fields: Record<string, unknown>): Promise<PDU>;
  close(): Promise<void>;
}

interface Connection {
  session: Session;
  bound: boolean;
  /** Requests waiting for their response, by sequence number; one sweep checks their deadlines (no timer per request). */
  pending: Map<number, { command: string; reject: (error: Error) => void; deadline: number }>;
  sweep: NodeJS.Timeout;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Opens the link; `onDeliver` answers each deliver_sm with a command_status once its effect is recorded. */
export function openSmppLink(options: SmppOptions, onDeliver: (pdu: PDU) => Promise<number>): SmppLink {
  let active: Connection | undefined;
  let latest: Connection | undefined;
  let closing = false;
  let failures = 0;
  let problem = 'not connected yet';
  let downSince = Date.now();
  let reconnectTimer: NodeJS.Timeout | undefined;
  let keepAlive: NodeJS.Timeout | undefined;
  const boundWaiters = new Set<() => void>();
  let freeSlots = options.window;
  const slotWaiters: Array<() => void> = [];
  let pausedUntil = 0;
  let throttlePause = 0;

  function send(connection: Connection, command: string, fields: Record<string, unknown>): Promise<PDU> {
    return new Promise((resolve, reject) => {
      const pdu = new smpp.PDU(command, fields);
      const { socket } = connection.session;
      // PDUs written in the same tick leave in one write: far fewer system calls under load.
      if (!socket.writableCorked) {
        socket.cork();
        process.nextTick(() => socket.uncork());
      }
      const sent = connection.session.send(pdu, (response) => {
        if (connection.pending.delete(pdu.sequence_number)) resolve(response);
      });
      if (!sent) return reject(new LinkDown('connection to the SMSC lost'));
      connection.pending.set(pdu.sequence_number, { command, reject, deadline: Date.now() + options.responseTimeoutMs });
    });
  }

  function sweepExpired(connection: Connection): void {
    const now = Date.now();
    for (const [sequence, entry] of connection.pending) {
      if (entry.deadline > now) continue;
      connection.pending.delete(sequence);
      entry.reject(new LinkDown(`no ${entry.command}_resp from the SMSC within ${options.responseTimeoutMs / 1000} s`));
      // The session is out of step or dead: start afresh.
      connection.session.destroy();
    }
  }

  function connect(): void {
    reconnectTimer = undefined;
    const session = smpp.connect({ host: options.host, port: options.port });
    // Writes are already gathered per tick (see send); Nagle would hold the last PDU of a batch for a delayed ACK.
    session.socket.setNoDelay(true);
    const connection: Connection = { session, bound: false, pending: new Map(), sweep: setInterval(() => sweepExpired(connection), 1_000) };
    connection.sweep.unref();
    latest = connection;
    session.on('connect', () => {
      send(connection, 'bind_transceiver', { system_id: options.systemId, password: options.password, interface_version: 0x34 }).then(
        (response) => {
          if (response.command_status !== smpp.ESME_ROK) {
            problem = `the SMSC refused the bind: ${statusName(response.command_status)}`;
            session.destroy();
            return;
          }
          connection.bound = true;
          active = connection;
          failures = 0;
          for (const wake of boundWaiters) wake();
          boundWaiters.clear();
          keepAlive = setInterval(() => send(connection, 'enquire_link', {}).catch(() => {}), options.enquireLinkMs);
          keepAlive.unref();
        },
        () => {},
      );
    });
    session.on('deliver_sm', (pdu: PDU) => {
      onDeliver(pdu).then(
        (status) => session.send(pdu.response({ command_status: status })),
        () => session.send(pdu.response({ command_status: smpp.ESME_RX_T_APPN })),
      );
    });
    session.on('enquire_link', (pdu: PDU) => session.send(pdu.response()));
    session.on('unbind', (pdu: PDU) => {
      session.send(pdu.response());
      session.close();
    });
    session.on('error', (error: Error) => {
      problem = `SMSC connection: ${error.message}`;
      // A socket error or a PDU that does not parse: this session cannot be trusted any more.
      session.destroy();
    });
    session.on('close', () => {
      if (active === connection) {
        active = undefined;
        downSince = Date.now();
        clearInterval(keepAlive);
      }
      clearInterval(connection.sweep);
      for (const { reject } of connection.pending.values()) reject(new LinkDown('connection to the SMSC lost before its answer'));
      connection.pending.clear();
      if (closing) return;
      const delay = Math.min(options.reconnectMaxMs, options.reconnectMinMs * 2 ** failures++);
      reconnectTimer = setTimeout(connect, delay * (0.5 + Math.random() / 2));
    });
  }

  /** Waits for the link to be bound again, up to bindWaitMs after it went down: a long outage fails every submit at once. */
  async function waitBound(): Promise<Connection> {
    const wait = downSince + options.bindWaitMs - Date.now();
    if (wait > 0 && !closing) {
      let wake!: () => void;
      const woken = new Promise<void>((resolve) => (wake = resolve));
      boundWaiters.add(wake);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([woken, new Promise((resolve) => (timer = setTimeout(resolve, wait)))]);
      clearTimeout(timer);
      boundWaiters.delete(wake);
    }
    if (!active) throw new LinkDown(closing ? 'SMS channel closed' : `not bound to the SMSC (${problem})`);
    return active;
  }

  /** Takes a window slot: undefined when one was free, otherwise a promise of the next one released. */
  function acquireSlot(): Promise<void> | undefined {
    if (freeSlots > 0) {
      freeSlots--;
      return undefined;
    }
    return new Promise<void>((resolve) => slotWaiters.push(resolve));
  }

  function releaseSlot(): void {
    const next = slotWaiters.shift();
    if (next) next();
    else freeSlots++;
  }

  connect();

  return {
    async request(command, fields) {
      const slot = acquireSlot();
      if (slot) await slot;
      try {
        while (Date.now() < pausedUntil) await sleep(pausedUntil - Date.now());
        const response = await send(active ?? (await waitBound()), command, fields);
        if (THROTTLING.has(response.command_status)) {
          // The SMSC asks us to slow down: everyone waits, a little longer each time it insists.
          throttlePause = Math.min(5_000, Math.max(50, throttlePause * 2));
          pausedUntil = Date.now() + throttlePause;
        } else {
          throttlePause = 0;
        }
        return response;
      } finally {
        releaseSlot();
      }
    },
    async close() {
      closing = true;
      clearTimeout(reconnectTimer);
      clearInterval(keepAlive);
      for (const wake of boundWaiters) wake();
      const connection = latest;
      if (!connection || connection.session.socket.destroyed) return;
      const closed = new Promise<void>((resolve) => connection.session.socket.once('close', () => resolve()));
      if (connection.bound) await Promise.race([send(connection, 'unbind', {}).catch(() => {}), sleep(1_000)]);
      connection.session.destroy();
      await closed;
    },
  };
}
