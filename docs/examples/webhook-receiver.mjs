// A local webhook receiver for trying the service out: it verifies every request's Standard Webhooks
// signature with the endpoint's secret and prints one line per webhook it accepts.
//
//   WEBHOOK_SECRET=whsec_… node docs/examples/webhook-receiver.mjs          # listens on 127.0.0.1:4000
//   WEBHOOK_SECRET=whsec_… HOOK_PORT=4100 node docs/examples/webhook-receiver.mjs
//
// Run it from the repository folder: it uses the `standardwebhooks` package the service depends on.
import { createServer } from 'node:http';
import { Webhook } from 'standardwebhooks';

const secret = process.env.WEBHOOK_SECRET;
if (!secret) {
  console.error('Set WEBHOOK_SECRET to the endpoint secret (whsec_…) the service answered when the endpoint was created.');
  process.exit(1);
}
const port = Number(process.env.HOOK_PORT ?? 4000);
const webhook = new Webhook(secret);

createServer((request, response) => {
  let body = '';
  request.setEncoding('utf8');
  request.on('data', (chunk) => (body += chunk));
  request.on('end', () => {
    try {
      // Throws unless the signature matches the body and the timestamp is within five minutes.
      const { type, data } = webhook.verify(body, request.headers);
      console.log(`${request.headers['webhook-id']} ${type} case=${data.caseId} state=${data.state}${data.amount !== undefined ? ` amount=${data.amount}` : ''}`);
      response.writeHead(204).end(); // any 2xx: delivered
    } catch (error) {
      console.log(`rejected: ${error.message}`);
      response.writeHead(400).end(); // anything else: the service tries again later
    }
  });
}).listen(port, '127.0.0.1', () => console.log(`receiving on http://127.0.0.1:${port}/hooks`));
