/**
 * Name tables for demo-places.ts: real 小区 and road names of 南山区 (粤海 and 南头 neighbourhoods),
 * with invented placements. Each estate names the demo grid it is built in (demo-city.ts: rows
 * kejiyuan and haizhu are 粤海街道, nantoucheng and tongle 南头街道; columns 01–05 west → east).
 */
import type { Position } from '#geo/areas';

/**
 * How an estate's buildings look in the register:
 *   'old'     多层 estates of the 1980s–90s: 6–8 floors, 2–4 units a building
 *   'new'     高层 estates: 18–33 floors, 1–3 units
 *   'village' 城中村 握手楼: Points (no footprint surveyed), 6–9 floors, 1 unit
 *   'shops'   street shops: Points, no units or floors recorded
 */
export type EstateKind = 'old' | 'new' | 'village' | 'shops';

export interface EstateName {
  name: string;
  /** ASCII slug (pinyin) for building ids: bd-<slug>-<number> */
  slug: string;
  grid: string;
  buildings: number;
  kind: EstateKind;
}

export const DEMO_ESTATES: readonly EstateName[] = [
  // 粤海街道 · 科技园社区 (row 0, south, between 滨海大道 and 登良路/高新南一道)
  { name: '南油小区', slug: 'nanyou', grid: 'gr-kejiyuan-01', buildings: 14, kind: 'old' },
  { name: '海印长城', slug: 'haiyinchangcheng', grid: 'gr-kejiyuan-02', buildings: 12, kind: 'new' },
  { name: '南海玫瑰园', slug: 'nanhaimeiguiyuan', grid: 'gr-kejiyuan-02', buildings: 8, kind: 'new' },
  { name: '蔚蓝海岸', slug: 'weilanhaian', grid: 'gr-kejiyuan-03', buildings: 16, kind: 'new' },
  { name: '海月花园', slug: 'haiyuehuayuan', grid: 'gr-kejiyuan-03', buildings: 10, kind: 'new' },
  { name: '缤纷海岸', slug: 'binfenhaian', grid: 'gr-kejiyuan-04', buildings: 9, kind: 'new' },
  { name: '桂庙新村', slug: 'guimiaoxincun', grid: 'gr-kejiyuan-04', buildings: 12, kind: 'old' },
  { name: '高新公寓', slug: 'gaoxingongyu', grid: 'gr-kejiyuan-05', buildings: 8, kind: 'new' },
  { name: '中兴公寓', slug: 'zhongxinggongyu', grid: 'gr-kejiyuan-05', buildings: 6, kind: 'new' },
  // 粤海街道 · 海珠社区 (row 1, up to 深南大道)
  { name: '深南花园', slug: 'shennanhuayuan', grid: 'gr-haizhu-01', buildings: 10, kind: 'old' },
  { name: '海珠城', slug: 'haizhucheng', grid: 'gr-haizhu-01', buildings: 8, kind: 'new' },
  { name: '阳光棕榈园', slug: 'yangguangzonglvyuan', grid: 'gr-haizhu-02', buildings: 14, kind: 'new' },
  { name: '粤海门村', slug: 'yuehaimencun', grid: 'gr-haizhu-03', buildings: 10, kind: 'village' },
  { name: '天利名城', slug: 'tianlimingcheng', grid: 'gr-haizhu-04', buildings: 10, kind: 'new' },
  { name: '大冲城市花园', slug: 'dachongchengshihuayuan', grid: 'gr-haizhu-05', buildings: 18, kind: 'new' },
  // 南头街道 · 南头城社区 (row 2, north of 深南大道 up to 桃园路)
  { name: '南头古城', slug: 'nantougucheng', grid: 'gr-nantoucheng-01', buildings: 12, kind: 'shops' },
  { name: '荔林春晓', slug: 'lilinchunxiao', grid: 'gr-nantoucheng-02', buildings: 16, kind: 'new' },
  { name: '桂园', slug: 'guiyuan', grid: 'gr-nantoucheng-03', buildings: 8, kind: 'old' },
  { name: '莲城花园', slug: 'lianchenghuayuan', grid: 'gr-nantoucheng-03', buildings: 10, kind: 'old' },
  { name: '红花园', slug: 'honghuayuan', grid: 'gr-nantoucheng-04', buildings: 10, kind: 'old' },
  { name: '向南瑞峰', slug: 'xiangnanruifeng', grid: 'gr-nantoucheng-04', buildings: 8, kind: 'new' },
  { name: '星海名城', slug: 'xinghaimingcheng', grid: 'gr-nantoucheng-05', buildings: 20, kind: 'new' },
  // 南头街道 · 同乐社区 (row 3, north of 桃园路 up to 北环大道)
  { name: '同乐村', slug: 'tonglecun', grid: 'gr-tongle-01', buildings: 10, kind: 'village' },
  { name: '前海花园', slug: 'qianhaihuayuan', grid: 'gr-tongle-02', buildings: 14, kind: 'old' },
  { name: '龙泰轩', slug: 'longtaixuan', grid: 'gr-tongle-02', buildings: 6, kind: 'new' },
  { name: '田厦翡翠明珠', slug: 'tianxiafeicuimingzhu', grid: 'gr-tongle-03', buildings: 12, kind: 'new' },
  { name: '鼎太风华', slug: 'dingtaifenghua', grid: 'gr-tongle-04', buildings: 16, kind: 'new' },
  { name: '南苑新村', slug: 'nanyuanxincun', grid: 'gr-tongle-04', buildings: 8, kind: 'old' },
  { name: '马家龙小区', slug: 'majialong', grid: 'gr-tongle-05', buildings: 10, kind: 'old' },
];

export interface RoadName {
  name: string;
  /** ASCII slug for road ids: rd-<slug> */
  slug: string;
  kind: 'main' | 'minor';
  /** WGS-84 [lng, lat], west → east or south → north, ends on the demo box's edge */
  coordinates: Position[];
}

/**
 * Centrelines, slightly bent. East–west: 滨海大道 along the south edge, 登良路 / 高新南一道 near
 * the 粤海 row boundary, 深南大道 through the middle (the 粤海 | 南头 line), 桃园路, 北环大道 along
 * the north edge. North–south: 南新路, 南山大道, 南光路, 南海大道, 后海大道, 科苑路.
 */
export const DEMO_ROADS: readonly RoadName[] = [
  { name: '滨海大道', slug: 'binhaidadao', kind: 'main', coordinates: [[113.92, 22.5316], [113.928, 22.5311], [113.938, 22.5309], [113.95, 22.5313]] },
  { name: '登良路', slug: 'dengliang', kind: 'minor', coordinates: [[113.92, 22.5352], [113.9262, 22.5350], [113.9322, 22.5353], [113.938, 22.5351]] },
  { name: '高新南一道', slug: 'gaoxinnanyidao', kind: 'minor', coordinates: [[113.938, 22.5351], [113.944, 22.5349], [113.95, 22.5352]] },
  { name: '深南大道', slug: 'shennandadao', kind: 'main', coordinates: [[113.92, 22.5404], [113.929, 22.5401], [113.94, 22.5399], [113.95, 22.5402]] },
  { name: '桃园路', slug: 'taoyuan', kind: 'minor', coordinates: [[113.92, 22.5452], [113.9262, 22.5450], [113.935, 22.5449], [113.9441, 22.5451]] },
  { name: '北环大道', slug: 'beihuandadao', kind: 'main', coordinates: [[113.92, 22.5489], [113.932, 22.5492], [113.944, 22.5490], [113.95, 22.5493]] },
  { name: '南新路', slug: 'nanxin', kind: 'minor', coordinates: [[113.9214, 22.53], [113.9216, 22.5352], [113.9213, 22.5404], [113.9215, 22.55]] },
  { name: '南山大道', slug: 'nanshandadao', kind: 'main', coordinates: [[113.9258, 22.53], [113.9261, 22.536], [113.9262, 22.5425], [113.926, 22.55]] },
  { name: '南光路', slug: 'nanguang', kind: 'minor', coordinates: [[113.9291, 22.5311], [113.9289, 22.5352], [113.9292, 22.5401]] },
  { name: '南海大道', slug: 'nanhaidadao', kind: 'main', coordinates: [[113.9321, 22.53], [113.9319, 22.537], [113.932, 22.543], [113.9323, 22.55]] },
  { name: '后海大道', slug: 'houhaidadao', kind: 'main', coordinates: [[113.9381, 22.53], [113.9379, 22.5352], [113.9382, 22.5399]] },
  { name: '科苑路', slug: 'keyuan', kind: 'main', coordinates: [[113.944, 22.53], [113.9442, 22.5375], [113.9439, 22.5451], [113.9441, 22.55]] },
];
