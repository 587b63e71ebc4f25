/**
 * `npm run smsc [-- --port 2775 --system-id paidan --password secret]`: an SMSC on loopback
 * for trying the SMS channel by hand. Type `<phone> <message>` to send a citizen's SMS
 * (Chinese and long text welcome); whatever the platform sends back is printed.
 */
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { SmscSimulator, type MoMode } from './smsc.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '2775' },
    host: { type: 'string', default: '127.0.0.1' },
    'system-id': { type: 'string', default: 'paidan' },
    password: { type: 'string', default: 'secret' },
    'short-code': { type: 'string', default: '12319' },
  },
});

const smsc = new SmscSimulator({ host: values.host, systemId: values['system-id'], password: values.password });
let mode: MoMode = 'auto';
let order: 'in' | 'shuffle' = 'in';
let lastPhone = '13800138000';

const rl = readline.createInterface({ input: process.stdin, output: process.stdout, prompt: 'citizen> ' });
const say = (line: string) => {
  process.stdout.write(`\r${line}\n`);
  rl.prompt(true);
};

smsc.on('bound', (systemId: string) => say(`[smsc] platform bound as "${systemId}"`));
smsc.on('bindFailed', (systemId: string) => say(`[smsc] refused a bind from "${systemId}" (wrong system_id or password)`));
smsc.on('sessionClosed', () => say('[smsc] a session closed'));
smsc.on('mt', (m: { to: string; from: string; text: string; parts: number }) => say(`[platform → ${m.to}] (from ${m.from || '-'}, ${m.parts} part${m.parts > 1 ? 's' : ''}) ${m.text}`));
smsc.on('acked', (_id: number, tag: string) => {
  if (tag === 'mo') say('[smsc] the platform acknowledged a part');
});
smsc.on('refused', (_id: number, status: number) => say(`[smsc] the platform answered status 0x${status.toString(16)} (will redeliver if temporary)`));

const help = `Type: <phone> <message>   e.g. 13800138000 人民路有占道经营，请处理
      <message> alone reuses the last phone number
  /mode auto|udh8|udh16|sar|payload   how long messages are split (now: ${mode})
  /shuffle                            toggle sending parts out of order
  /quit`;

await smsc.listen(Number(values.port));
console.log(`SMSC simulator listening on ${smsc.url()}  (short code ${values['short-code']})`);
console.log(`Point the platform at it: SMPP_URL=${smsc.url()}`);
console.log(help);
rl.prompt();

rl.on('line', (input) => {
  const line = input.trim();
  if (!line) return rl.prompt();
  if (line === '/quit') return rl.close();
  if (line === '/help') return say(help);
  if (line.startsWith('/mode')) {
    const next = line.split(/\s+/)[1] as MoMode | undefined;
    if (next && ['auto', 'udh8', 'udh16', 'sar', 'payload'].includes(next)) mode = next;
    return say(`[smsc] long messages: ${mode}`);
  }
  if (line === '/shuffle') {
    order = order === 'in' ? 'shuffle' : 'in';
    return say(`[smsc] part order: ${order}`);
  }
  const match = /^(\+?\d{5,15})\s+([\s\S]+)$/.exec(line);
  const phone = match ? match[1]! : lastPhone;
  const text = match ? match[2]! : line;
  lastPhone = phone;
  const parts = smsc.moPdus({ from: phone, to: values['short-code'], text, mode, order }).length;
  smsc.sendMo({ from: phone, to: values['short-code'], text, mode, order });
  say(`[${phone} → platform] ${parts} part${parts > 1 ? 's' : ''}${smsc.isBound ? '' : ' (queued until the platform binds)'}`);
});

rl.on('close', () => {
  void smsc.close().then(() => process.exit(0));
});
