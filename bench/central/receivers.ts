// The applicant notification providers of bench/central, in a process of their own so that receiving mail and SMS
// counts against neither the servers nor the simulated workstations: a real SMTP server (smtp-server) and a real HTTP
// SMS endpoint, the ones the tests use. Prints one JSON line with their URLs; on stdin `count` answers how many each
// received (and how many mail connections broke mid-message: an instance stopped while sending), `quit` ends.
import { createInterface } from 'node:readline';
import { startSmsReceiver, startSmtpReceiver } from '../../tests/support/notificationReceivers';

const smtp = await startSmtpReceiver();
const sms = await startSmsReceiver();
process.stdout.write(`${JSON.stringify({ smtpUrl: smtp.url, smsUrl: sms.url })}\n`);
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'count') {
    process.stdout.write(
      `${JSON.stringify({ mails: smtp.mails.length, smsRequests: sms.requests.length, smsKeys: sms.sent.size, mailIds: new Set(smtp.mails.map((m) => m.messageId)).size, mailConnectionsBroken: smtp.connectionErrors.length })}\n`,
    );
  } else if (line === 'quit') {
    await Promise.all([smtp.close(), sms.close()]);
    process.exit(0);
  }
}
