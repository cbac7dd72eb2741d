/**
 * 群防群治 on the dashboard (GET /v1/stats `assists`): offers sent, acceptance rate, median and p90
 * time to accept and to arrive, assists done per responder on the roll, rating average — for the
 * area, then per pool (平安志愿者 / 保安员 / 物业). Props: `k` (the area's row; absent: nothing shown).
 */
import { View, Text } from '@tarojs/components';
import { percent } from '../../lib/format';
import { KIND_NAMES, RESPONDER_KINDS, seconds, type AssistKpis } from '../../lib/responders';
import { Nobr } from '../../staff/shared';
import type { Kpis } from '../../lib/types';

const num = (v: number | null | undefined, digits = 1) => (v === null || v === undefined ? '—' : String(Math.round(v * 10 ** digits) / 10 ** digits));
const both = (median: number | null, p90: number | null) => `${seconds(median)} / ${seconds(p90)}`;

export function assistCards(a: AssistKpis): Array<[string, string]> {
  return [
    ['协助邀请', String(a.offers)],
    ['接单率', percent(a.acceptanceRate)],
    ['接单用时（中位 / P90）', both(a.medianAcceptSeconds, a.p90AcceptSeconds)],
    ['到场用时（中位 / P90）', both(a.medianArriveSeconds, a.p90ArriveSeconds)],
    ['完成协助', String(a.done)],
    ['人均协助（在册 ' + a.responders + ' 人）', num(a.perResponder, 2)],
    ['评价均分（' + a.ratings + ' 次）', a.ratingAverage === null ? '—' : `${num(a.ratingAverage, 2)} 星`],
  ];
}

/** One pool in a line: "邀请 5 · 接单率 60% · 接单 45 秒 · 到场 6 分钟 · 人均 1.2 · 均分 4.5 星". */
export function poolLine(p: AssistKpis): string {
  return [
    `邀请 ${p.offers}`,
    `接单率 ${percent(p.acceptanceRate)}`,
    `接单 ${seconds(p.medianAcceptSeconds)}`,
    `到场 ${seconds(p.medianArriveSeconds)}`,
    `人均 ${num(p.perResponder, 2)}`,
    `均分 ${p.ratingAverage === null ? '—' : `${num(p.ratingAverage, 2)} 星`}`,
  ].join(' · ');
}

export function AssistFigures({ k }: { k: Pick<Kpis, 'assists'> | undefined }) {
  const a = k?.assists;
  if (!a) return null;
  return (
    <View data-testid='assist-figures'>
      <Nobr className='h2' text='群防群治（协助请求）' />
      <View className='kpis'>
        {assistCards(a).map(([label, value]) => (
          <View key={label} className='kpi' data-testid='assist-kpi'>
            <Text className='kpi__v'>{value}</Text>
            <Nobr className='kpi__k' text={label} />
          </View>
        ))}
      </View>
      <View className='card mt8' data-testid='assist-pools'>
        {RESPONDER_KINDS.map((kind, i) => {
          const p = a.pools?.[kind];
          return (
            <View key={kind} data-testid={`assist-pool-${kind}`}>
              {i ? <View className='divider' /> : null}
              <Text className='strong block'>{KIND_NAMES[kind]}</Text>
              <Text className='small block'>{p ? poolLine(p) : '暂无数据'}</Text>
            </View>
          );
        })}
      </View>
    </View>
  );
}
