/**
 * The made-up demo district 城东区 (around lng 120.20, lat 30.27): six units, urban-management
 * case categories, 40 areas (two streets, a 6 × 6 grid of 单元网格 with a park cell around a
 * lake, an industrial park and a canal green belt) and officers with rosters and unit leads.
 * Pure data: seed/demo.ts writes it.
 */
import type { AreaDraft, CategoryInput, OfficerInput, UnitInput } from '../units/index.js';
import { bboxOf, type AreaGeometry } from '../units/index.js';

export const demoUnits: UnitInput[] = [
  { id: 'U-JD-01', name: '城东街道执法中队', kind: 'street', phone: '0571-86010001' },
  { id: 'U-JD-02', name: '城西街道执法中队', kind: 'street', phone: '0571-86010002' },
  { id: 'U-GH-01', name: '规划执法大队', kind: 'specialist', phone: '0571-86010003' },
  { id: 'U-SR-01', name: '市容环卫执法中队', kind: 'specialist', phone: '0571-86010004' },
  { id: 'U-YL-01', name: '园林绿化执法中队', kind: 'specialist', phone: '0571-86010005' },
  { id: 'U-HB-01', name: '环保噪音执法中队', kind: 'specialist', phone: '0571-86010006' },
];

export const demoCategories: CategoryInput[] = [
  { code: 'street-vending', nameZh: '占道经营', nameEn: 'Street vending', timeLimitHours: 24 },
  { code: 'illegal-construction', nameZh: '违法建设', nameEn: 'Illegal construction', timeLimitHours: 72, overrideUnitId: 'U-GH-01' },
  { code: 'illegal-posting', nameZh: '乱张贴', nameEn: 'Illegal posting', timeLimitHours: 24 },
  { code: 'muck-spill', nameZh: '渣土撒漏', nameEn: 'Muck spill from trucks', timeLimitHours: 4, defaultUnitId: 'U-SR-01' },
  { code: 'greenery-damage', nameZh: '绿化损坏', nameEn: 'Damage to greenery', timeLimitHours: 48, defaultUnitId: 'U-YL-01' },
  { code: 'noise', nameZh: '噪音扰民', nameEn: 'Noise nuisance', timeLimitHours: 12, overrideUnitId: 'U-HB-01' },
  { code: 'outdoor-advertising', nameZh: '户外广告', nameEn: 'Unauthorised outdoor advertising', timeLimitHours: 72 },
  { code: 'exposed-garbage', nameZh: '暴露垃圾', nameEn: 'Exposed garbage', timeLimitHours: 12, defaultUnitId: 'U-SR-01' },
  { code: 'illegal-stacking', nameZh: '乱堆物料', nameEn: 'Materials piled on public space', timeLimitHours: 24 },
  { code: 'cooking-fumes', nameZh: '油烟污染', nameEn: 'Restaurant cooking fumes', timeLimitHours: 48, defaultUnitId: 'U-HB-01' },
];

/** South-west corner of the grid and the size of one cell in degrees (~480 m × 555 m). */
export const demoGrid = { originLng: 120.185, originLat: 30.255, cell: 0.005, columns: 6, rows: 6 };

const r7 = (v: number): number => Math.round(v * 1e7) / 1e7;
const rect = (x: number, y: number, w: number, h: number): number[][] =>
  [[x, y], [x + w, y], [x + w, y + h], [x, y + h], [x, y]].map(([a, b]) => [r7(a!), r7(b!)]);

function draft(id: string, name: string, kind: 'street' | 'grid', geometry: AreaGeometry, unitId: string, categoryUnits: Record<string, string> = {}): AreaDraft {
  return { id, name, kind, geometry, bbox: bboxOf(geometry), defaultUnitId: unitId, categoryUnits };
}

/** The cell of the grid (0-based column from the west, row from the south) that holds 东湖公园. */
export const parkCell = { column: 4, row: 3 };
/** The lake inside the park cell: a hole, so the lake falls to the street. */
export const lake = { lng: 120.2075, lat: 30.2725, halfSize: 0.001 };

export function demoAreas(): AreaDraft[] {
  const { originLng, originLat, cell, columns, rows } = demoGrid;
  const half = columns / 2;
  const areas: AreaDraft[] = [
    draft('S-CX', '城西街道', 'street', { type: 'Polygon', coordinates: [rect(originLng, originLat, cell * half, cell * rows)] }, 'U-JD-02'),
    draft('S-CD', '城东街道', 'street', { type: 'Polygon', coordinates: [rect(originLng + cell * half, originLat, cell * half, cell * rows)] }, 'U-JD-01'),
  ];
  const counters = { CX: 0, CD: 0 };
  for (let row = 0; row < rows; row++) {
    for (let column = 0; column < columns; column++) {
      const east = column >= half;
      const street = east ? 'CD' : 'CX';
      const n = String(++counters[street]).padStart(2, '0');
      const x = originLng + column * cell;
      const y = originLat + row * cell;
      const sanitation = { 'muck-spill': 'U-SR-01', 'exposed-garbage': 'U-SR-01' };
      if (column === parkCell.column && row === parkCell.row) {
        const hole = rect(lake.lng - lake.halfSize, lake.lat - lake.halfSize, lake.halfSize * 2, lake.halfSize * 2);
        areas.push(draft(`G-${street}-${n}`, '东湖公园网格', 'grid', { type: 'Polygon', coordinates: [rect(x, y, cell, cell), hole.reverse()] },
          'U-JD-01', { ...sanitation, 'greenery-damage': 'U-YL-01' }));
        continue;
      }
      areas.push(draft(`G-${street}-${n}`, `${east ? '城东' : '城西'}街道第${n}网格`, 'grid', { type: 'Polygon', coordinates: [rect(x, y, cell, cell)] },
        east ? 'U-JD-01' : 'U-JD-02', sanitation));
    }
  }
  const east = originLng + cell * columns;
  // An irregular industrial park east of the grid, 300 m away (no shared border).
  areas.push(draft('S-GYY', '城东工业园', 'street', {
    type: 'Polygon',
    coordinates: [[[east + 0.003, 30.258], [east + 0.016, 30.256], [east + 0.021, 30.266], [east + 0.017, 30.281], [east + 0.006, 30.279], [east + 0.003, 30.258]].map(([a, b]) => [r7(a!), r7(b!)])],
  }, 'U-JD-01', { 'muck-spill': 'U-SR-01' }));
  // The canal green belt south of the grid: two strips, one area.
  areas.push(draft('G-YH-01', '运河绿带网格', 'grid', {
    type: 'MultiPolygon',
    coordinates: [[rect(originLng, originLat - 0.005, 0.013, 0.003)], [rect(originLng + 0.017, originLat - 0.005, 0.013, 0.003)]],
  }, 'U-YL-01'));
  return areas;
}

export type DemoRole = 'officer' | 'unit-lead';

export interface DemoAccount {
  username: string;
  displayName: string;
  role: DemoRole;
  unitId: string;
  phone: string;
}

/** Officers (2–3 a unit, rosters that leave someone on duty every day) and one lead per unit. */
export const demoOfficers: (OfficerInput & { phone: string; dutyWeekdays: number[]; position: [number, number] })[] = [
  { username: 'zhangwei', displayName: '张伟', unitId: 'U-JD-01', phone: '13900001001', dutyWeekdays: [1, 2, 3, 4, 5], position: [120.2075, 30.2650] },
  { username: 'liuyang', displayName: '刘洋', unitId: 'U-JD-01', phone: '13900001002', dutyWeekdays: [3, 4, 5, 6, 7], position: [120.2110, 30.2780] },
  { username: 'chenjie', displayName: '陈杰', unitId: 'U-JD-01', phone: '13900001003', dutyWeekdays: [1, 2, 6, 7], position: [120.2030, 30.2580] },
  { username: 'zhaolei', displayName: '赵磊', unitId: 'U-JD-02', phone: '13900002001', dutyWeekdays: [1, 2, 3, 4, 5], position: [120.1900, 30.2700] },
  { username: 'sunli', displayName: '孙丽', unitId: 'U-JD-02', phone: '13900002002', dutyWeekdays: [1, 4, 5, 6, 7], position: [120.1960, 30.2610] },
  { username: 'zhoujun', displayName: '周军', unitId: 'U-JD-02', phone: '13900002003', dutyWeekdays: [2, 3, 6, 7], position: [120.1880, 30.2820] },
  { username: 'wuhao', displayName: '吴昊', unitId: 'U-GH-01', phone: '13900003001', dutyWeekdays: [1, 2, 3, 4, 5, 6], position: [120.2000, 30.2700] },
  { username: 'zhengkai', displayName: '郑凯', unitId: 'U-GH-01', phone: '13900003002', dutyWeekdays: [1, 3, 5, 6, 7], position: [120.2150, 30.2600] },
  { username: 'fengtao', displayName: '冯涛', unitId: 'U-SR-01', phone: '13900004001', dutyWeekdays: [1, 2, 3, 4, 5], position: [120.1950, 30.2560] },
  { username: 'heyan', displayName: '何艳', unitId: 'U-SR-01', phone: '13900004002', dutyWeekdays: [4, 5, 6, 7], position: [120.2100, 30.2660] },
  { username: 'luobin', displayName: '罗斌', unitId: 'U-SR-01', phone: '13900004003', dutyWeekdays: [1, 2, 3, 6, 7], position: [120.2200, 30.2700] },
  { username: 'gaofeng', displayName: '高峰', unitId: 'U-YL-01', phone: '13900005001', dutyWeekdays: [1, 2, 3, 4, 5], position: [120.2080, 30.2740] },
  { username: 'linxue', displayName: '林雪', unitId: 'U-YL-01', phone: '13900005002', dutyWeekdays: [1, 5, 6, 7], position: [120.1920, 30.2510] },
  { username: 'guoqiang', displayName: '郭强', unitId: 'U-HB-01', phone: '13900006001', dutyWeekdays: [1, 2, 3, 4, 5], position: [120.2020, 30.2760] },
  { username: 'mayun', displayName: '马芸', unitId: 'U-HB-01', phone: '13900006002', dutyWeekdays: [3, 4, 5, 6, 7], position: [120.1980, 30.2640] },
  { username: 'huangbo', displayName: '黄波', unitId: 'U-HB-01', phone: '13900006003', dutyWeekdays: [1, 2, 6, 7], position: [120.2130, 30.2830] },
];

export const demoLeads: DemoAccount[] = [
  { username: 'wangqiang', displayName: '王强', role: 'unit-lead', unitId: 'U-JD-01', phone: '13900001000' },
  { username: 'lijun', displayName: '李军', role: 'unit-lead', unitId: 'U-JD-02', phone: '13900002000' },
  { username: 'xuming', displayName: '徐明', role: 'unit-lead', unitId: 'U-GH-01', phone: '13900003000' },
  { username: 'hubin', displayName: '胡斌', role: 'unit-lead', unitId: 'U-SR-01', phone: '13900004000' },
  { username: 'zhuhong', displayName: '朱红', role: 'unit-lead', unitId: 'U-YL-01', phone: '13900005000' },
  { username: 'songwen', displayName: '宋文', role: 'unit-lead', unitId: 'U-HB-01', phone: '13900006000' },
];

/** Every demo officer and lead, for the identity seed to create accounts. */
export const demoAccounts: DemoAccount[] = [
  ...demoOfficers.map((o): DemoAccount => ({ username: o.username, displayName: o.displayName, role: 'officer', unitId: o.unitId, phone: o.phone })),
  ...demoLeads,
];
