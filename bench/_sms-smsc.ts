/** The SMSC of the SMS benchmark in a process of its own, so that it does not share a thread with the client measured. */
import { startTestSmsc } from '../test/support/smsc.js';

const smsc = await startTestSmsc();
process.send!({ port: smsc.port });
process.on('message', (message) => {
  if (message === 'count') process.send!({ accepted: smsc.accepted.length });
  if (message === 'stop') void smsc.close().then(() => process.exit(0));
});
