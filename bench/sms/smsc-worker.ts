/**
 * The bench's SMSC in its own thread (a real SMSC is another machine): it owns the simulator,
 * generates the MO traffic, drops the link on cue and reports acknowledgement latencies.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SmscSimulator, type MoMessage } from '../../sms/index.js';

const COMPLAINT = '我要投诉：人民路与解放路交叉口有流动摊贩占道经营，早晚高峰影响通行，油烟和垃圾很多，附近居民多次反映，希望城管部门尽快派人到现场依法处理，谢谢！';

export function messagesFor(count: number, tag: string): MoMessage[] {
  return Array.from({ length: count }, (_, i) => {
    const from = `139${String(i % 2000).padStart(8, '0')}`;
    if (i % 3 === 0) return { from, text: `${COMPLAINT}【${tag}-${i}】`, mode: 'udh8', coding: 'ucs2' };
    return { from, text: `占道经营投诉 ${tag}-${i}` };
  });
}

export type SmscCommand =
  | { kind: 'run'; count: number; tag: string; drops: number; echo: boolean };

const { window } = workerData as { window: number };
const smsc = new SmscSimulator({ window, responseTimeoutMs: 5000, redeliveryDelayMs: 50 });
const port = await smsc.listen(0);
parentPort!.postMessage({ kind: 'listening', url: smsc.url(), port });

parentPort!.on('message', async (command: SmscCommand) => {
  smsc.stats.latenciesUs.length = 0;
  smsc.stats.acked = 0;
  smsc.stats.redelivered = 0;
  const messages = command.echo
    ? Array.from({ length: command.count }, (_, i) => ({ from: `1390000${String(i % 1000).padStart(4, '0')}`, text: `echo ${i}` }))
    : messagesFor(command.count, command.tag);
  const pdus = messages.reduce((sum, m) => sum + smsc.moPdus(m).length, 0);
  if (!smsc.isBound) await new Promise((resolve) => smsc.once('bound', resolve));
  const started = performance.now();
  let dropped = 0;
  if (command.drops > 0) {
    const spacing = Math.max(1, Math.floor(pdus / (command.drops + 1)));
    const onAck = () => {
      if (dropped < command.drops && smsc.stats.acked >= (dropped + 1) * spacing) {
        dropped += 1;
        smsc.dropSessions();
        if (dropped === command.drops) smsc.off('acked', onAck);
      }
    };
    smsc.on('acked', onAck);
  }
  smsc.sendMo(messages);
  await smsc.waitIdle(600_000);
  const seconds = (performance.now() - started) / 1000;
  const latencies = Float64Array.from(smsc.stats.latenciesUs).sort();
  const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]! / 1000;
  parentPort!.postMessage({ kind: 'done', pdus, seconds, p50Ms: at(0.5), p99Ms: at(0.99), redelivered: smsc.stats.redelivered, dropped });
});
