/** The SMSC of the SMS benchmark in a process of its own, so that it does not share a thread with the client measured. */
import { startTestSmsc } from '../test/support/smsc.js';

const smsc = await startTestSmsc();
// When each part was accepted (ms since the epoch, sub-millisecond), to time a campaign to its last acknowledged submit_sm.
const acceptedAt: number[] = [];
smsc.afterAccept = () => void acceptedAt.push(performance.timeOrigin + performance.now());
process.send!({ port: smsc.port });
process.on('message', (message) => {
  if (message === 'count') process.send!({ accepted: smsc.accepted.length });
  // The parts accepted from index `from` on: how many, to how many numbers, and when the first and the last were.
  if (typeof message === 'string' && message.startsWith('since:')) {
    const from = Number(message.slice('since:'.length));
    const parts = smsc.accepted.slice(from);
    process.send!({ accepted: parts.length, destinations: new Set(parts.map((p) => p.to)).size, multipart: parts.filter((p) => p.udh).length, firstAt: acceptedAt[from] ?? null, lastAt: acceptedAt.at(-1) ?? null });
  }
  if (message === 'stop') void smsc.close().then(() => process.exit(0));
});
