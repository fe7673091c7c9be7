/** The benchmark's relay: a real smtp-server in its own process, as a relay would be. Answers its port, then counts. */
import { startSmtpSink } from '../test/support/smtpSink.js';

const sink = await startSmtpSink({ keep: false });
process.on('message', (message) => {
  if (message === 'count') process.send!({ accepted: sink.accepted });
});
process.send!({ port: sink.port });
