/**
 * Run the fake Stripe API until killed:
 *
 *   node --import tsx tools/fake-stripe/main.ts --port 4012 [--host 127.0.0.1] [--webhook-url URL]
 *     [--webhook-secret whsec_…] [--secret-key sk_test_…] [--publishable-key pk_test_…] [--no-auto-deliver]
 *     [--retry-delays-ms 200,1000,3000] [--public-url URL]
 *
 * Prints its URL on the first line of stdout.
 */
import { parseArgs } from 'node:util';
import { startFakeStripe } from './server.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4012' },
    host: { type: 'string', default: '127.0.0.1' },
    'webhook-url': { type: 'string' },
    'webhook-secret': { type: 'string' },
    'secret-key': { type: 'string' },
    'publishable-key': { type: 'string' },
    'no-auto-deliver': { type: 'boolean' },
    'retry-delays-ms': { type: 'string' },
    'public-url': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help) {
  console.log(
    'usage: node --import tsx tools/fake-stripe/main.ts [--port 4012] [--host 127.0.0.1] [--webhook-url URL] ' +
      '[--webhook-secret whsec_…] [--secret-key sk_test_…] [--publishable-key pk_test_…] [--no-auto-deliver] ' +
      '[--retry-delays-ms 200,1000,3000] [--public-url URL]',
  );
  process.exit(0);
}

const fake = await startFakeStripe({
  port: Number(values.port),
  host: values.host,
  ...(values['webhook-url'] !== undefined && { webhookUrl: values['webhook-url'] }),
  ...(values['webhook-secret'] !== undefined && { webhookSecret: values['webhook-secret'] }),
  ...(values['secret-key'] !== undefined && { secretKey: values['secret-key'] }),
  ...(values['publishable-key'] !== undefined && { publishableKey: values['publishable-key'] }),
  ...(values['no-auto-deliver'] && { autoDeliver: false }),
  ...(values['public-url'] !== undefined && { publicUrl: values['public-url'] }),
  ...(values['retry-delays-ms'] !== undefined && {
    retryDelaysMs: values['retry-delays-ms'].split(',').filter(Boolean).map(Number),
  }),
});
console.log(fake.url);

const stop = () => {
  void fake.close().finally(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
