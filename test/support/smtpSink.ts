import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

/**
 * A real SMTP server for tests and benchmarks (the `smtp-server` package),
 * keeping every accepted message, and able to misbehave on demand: refuse
 * some recipients with 5xx, answer 4xx at random, drop connections.
 */
export interface SinkMessage {
  to: string;
  raw: Buffer;
}

export interface SinkBehaviour {
  /** Permanent refusal (550) of these recipients. */
  reject?: (recipient: string) => boolean;
  /** Probability of a 421/451 answer to RCPT TO or after DATA. */
  temporaryFailureRate?: number;
  /** Probability of dropping the connection in the middle of a message. */
  dropRate?: number;
  /** Keep raw messages (off in benchmarks to save memory; counts stay). */
  keep?: boolean;
  /** Wait this long before accepting each message (a slow relay). */
  delayMs?: number;
}

export interface SmtpSink {
  port: number;
  url: string;
  messages: SinkMessage[];
  /** Accepted messages per recipient. */
  received: Map<string, number>;
  accepted: number;
  /** SMTP sessions (connections) that delivered at least one message. */
  sessions: Set<string>;
  behaviour: SinkBehaviour;
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const smtpError = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });

export async function startSmtpSink(behaviour: SinkBehaviour = {}): Promise<SmtpSink> {
  const sink: Omit<SmtpSink, 'port' | 'url' | 'close' | 'waitFor'> = { messages: [], received: new Map(), accepted: 0, sessions: new Set(), behaviour };
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const chance = (rate: number | undefined) => !!rate && Math.random() < rate;
  const server: SMTPServer = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 50 * 1024 * 1024,
    onRcptTo(address, _session, callback) {
      if (sink.behaviour.reject?.(address.address)) return callback(smtpError(550, '5.1.1 No such user here'));
      if (chance(sink.behaviour.temporaryFailureRate)) return callback(smtpError(451, '4.3.0 Try again later'));
      callback();
    },
    onData(stream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      const drop = chance(sink.behaviour.dropRate);
      stream.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        if (drop) {
          // The connection dies mid-message: the client must not count it as sent.
          for (const connection of (server as unknown as { connections: Set<{ id: string; _socket: { destroy(): void } }> }).connections) {
            if (connection.id === session.id) connection._socket.destroy();
          }
        }
      });
      stream.on('end', async () => {
        if (drop) return;
        if (sink.behaviour.delayMs) await new Promise((resolve) => setTimeout(resolve, sink.behaviour.delayMs));
        if (chance(sink.behaviour.temporaryFailureRate)) return callback(smtpError(421, '4.4.2 Closing connection, try again'));
        const to = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
        for (const address of to) {
          sink.received.set(address, (sink.received.get(address) ?? 0) + 1);
          if (sink.behaviour.keep !== false) sink.messages.push({ to: address, raw: Buffer.concat(chunks) });
        }
        sink.accepted++;
        sink.sessions.add(session.id);
        for (const waiter of waiters.filter((w) => sink.accepted >= w.count)) waiter.resolve();
        callback();
      });
    },
  });
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return Object.assign(sink, {
    port,
    url: `smtp://127.0.0.1:${port}`,
    waitFor(count: number, timeoutMs = 30_000) {
      if (sink.accepted >= count) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`SMTP sink: ${sink.accepted} of ${count} messages after ${timeoutMs} ms`)), timeoutMs);
        waiters.push({ count, resolve: () => (clearTimeout(timer), resolve()) });
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
