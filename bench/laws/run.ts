/**
 * Law-search benchmark: 2,000 regulation-like documents (about 1,500 characters each, from a
 * vocabulary of enforcement clauses) loaded through the library (text → postings), then
 * searches as the API runs them — ranked query, then the page's texts and snippets — for
 * one-character, common, phrase, mixed Chinese/Latin and rare queries. Prints load time,
 * postings and p50 / p99 ms per query kind. SQLite by default; `DATABASE_URL=mysql://…` for
 * MySQL / MariaDB. `npm run bench:laws [-- documents [rounds]]`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../../storage/data-source.js';
import { LawLibrary } from '../../laws/index.js';
import { presentHit } from '../../laws/schema.js';
import { seededRandom } from '../support/random.js';

const DOCUMENTS = Number(process.argv[2] ?? 2000);
const ROUNDS = Number(process.argv[3] ?? 40);

const random = seededRandom(0x1a45);
const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)] as T;
const numerals = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二', '十三', '十四', '十五', '十六', '十七', '十八', '十九', '二十'];

const who = ['任何单位和个人', '临街商户', '建设单位', '施工单位', '经营者', '物业服务企业', '车辆所有人', '广告设置人', '餐饮服务单位', '房屋所有人'];
const act = ['占道经营', '乱扔垃圾', '乱贴乱画', '擅自设置户外广告', '私搭乱建', '损毁绿化', '倾倒渣土', '露天烧烤', '噪声扰民', '违法停车', '占用盲道', '焚烧树叶', '遛犬不牵绳', '夜间施工', '油烟直排'];
const place = ['城市道路', '人行道', '广场', '公园绿地', '桥梁', '地下通道', '居民小区', '学校周边', '主次干道两侧', '河道沿岸'];
const duty = ['保持整洁', '及时清扫', '设置围挡', '密闭运输', '分类投放', '定期检查', '加固或者拆除', '采取防治措施', '办理审批手续', '接受监督检查'];
const penalty = ['责令改正', '责令限期拆除', '暂扣经营工具', '依法强制拆除', '予以警告'];
const amount = ['五十元以上二百元以下', '二百元以上一千元以下', '一千元以上五千元以下', '五千元以上三万元以下', '二万元以上十万元以下'];

function clause(): string {
  switch (Math.floor(random() * 4)) {
    case 0: return `${pick(who)}不得在${pick(place)}${pick(act)}。`;
    case 1: return `${pick(who)}应当${pick(duty)}，并${pick(duty)}。`;
    case 2: return `违反本规定${pick(act)}的，由城市管理行政执法部门${pick(penalty)}，可以处${pick(amount)}罚款。`;
    default: return `LED显示屏和${pick(place)}照明设施应当符合GB/T ${36000 + Math.floor(random() * 200)}的要求，夜间${20 + Math.floor(random() * 4)}时后调低亮度。`;
  }
}

function documentText(n: number): { title: string; text: string } {
  const topic = pick(act);
  const lines = [`第一条\u3000为了规范${topic}管理，维护市容环境，制定本规定（编号XK${n}）。`];
  for (let i = 1; lines.join('').length < 1500; i += 1) lines.push(`第${numerals[i % 20]}条\u3000${clause()}${clause()}`);
  return { title: `城东区${topic}管理规定（第${n}号）`, text: lines.join('\n') };
}

const queries: Record<string, () => string> = {
  'one character': () => pick(['罚', '绿', '噪', '渣', '犬']),
  'common term': () => pick(['罚款', '城市管理', '责令改正']),
  phrase: () => pick(act),
  'phrase + words': () => `${pick(act)} ${pick(penalty)}`,
  'mixed Latin': () => pick(['LED 显示屏', 'GB/T 36100', 'ＬＥＤ亮度']),
  rare: () => `XK${Math.floor(random() * DOCUMENTS)}`,
};

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] as number;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paidan-bench-laws-'));
const url = process.env.DATABASE_URL || `sqlite:${path.join(dir, 'bench.sqlite')}`;
const dataSource = await openDatabase({ url });
try {
  await dataSource.query('DELETE FROM law_gram');
  await dataSource.query('DELETE FROM law_document');
  const library = new LawLibrary(dataSource, { dir: path.join(dir, 'laws') });
  let t = performance.now();
  for (let n = 1; n <= DOCUMENTS; n += 1) {
    const { title, text } = documentText(n);
    await library.add(await library.stage(Buffer.from(text)), { title, issuer: '城东区人民政府', effectiveDate: `20${10 + (n % 15)}-0${1 + (n % 9)}-01` }, { uploadedBy: 'bench', originalName: `${n}.txt` });
  }
  const loadSeconds = (performance.now() - t) / 1000;
  const [{ n: postings }] = await dataSource.query('SELECT COUNT(*) AS n FROM law_gram') as { n: number }[];
  console.log(`${url.startsWith('mysql') ? 'MySQL/MariaDB' : 'SQLite'}: ${DOCUMENTS} documents loaded in ${loadSeconds.toFixed(1)} s (${(DOCUMENTS / loadSeconds).toFixed(0)}/s), ${postings} postings`);

  const all: number[] = [];
  for (const [kind, make] of Object.entries(queries)) {
    const times: number[] = [];
    let hits = 0;
    for (let r = 0; r < ROUNDS; r += 1) {
      const q = make();
      t = performance.now();
      const result = await library.search({ q, limit: 20, offset: 0 });
      const texts = await library.texts(result.items.map((i) => i.law.id));
      const page = result.items.map((i) => presentHit({ ...i.law, text: texts.get(i.law.id) ?? '' }, i.score, q));
      times.push(performance.now() - t);
      hits += result.total + page.length * 0;
    }
    times.sort((a, b) => a - b);
    all.push(...times);
    console.log(`${kind.padEnd(16)} p50 ${percentile(times, 0.5).toFixed(1).padStart(6)} ms   p99 ${percentile(times, 0.99).toFixed(1).padStart(6)} ms   (${(hits / ROUNDS).toFixed(0)} matches on average)`);
  }
  all.sort((a, b) => a - b);
  console.log(`all queries      p50 ${percentile(all, 0.5).toFixed(1).padStart(6)} ms   p99 ${percentile(all, 0.99).toFixed(1).padStart(6)} ms   (${all.length} searches, first page of 20 with snippets)`);
} finally {
  await dataSource.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
}
