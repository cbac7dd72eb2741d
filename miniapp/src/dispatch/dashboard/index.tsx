/**
 * The dispatch centre (and leaders / officers for their own areas): KPI cards for an area and a
 * period, the map of grids shaded by open reports (outlined red where some are overdue) over the
 * real basemap, each child area's figures, the overdue list, the buildings with repeated hazards
 * (重复隐患), the queue routing could not place, and CSV export. Lists name places by their label.
 */
import { useEffect, useMemo, useState } from 'react';
import Taro, { useDidShow } from '@tarojs/taro';
import { View, Text, Button } from '@tarojs/components';
import { api, messageOf } from '../../lib/api';
import { storage } from '../../lib/storage';
import { PAGES, refreshMe, requireSession, signOut } from '../../lib/session';
import { chinaDay, countdown, minutes, percent } from '../../lib/format';
import { wgs84ToGcj02 } from '../../lib/datum';
import { BaseMap, type MapPolygon } from '../../components/map/BaseMap';
import { ringsOf } from '../../components/map/geo';
import { RepeatList } from '../../components/RepeatList';
import { StatusBadge } from '../../components/StatusBadge';
import { Empty, ErrorState, Loading } from '../../components/StateView';
import type { Category, HeatFeature, Me, ReportSummary, Stats } from '../../lib/types';
import './index.css';

const PERIODS = [
  { days: 7, label: '近 7 天' },
  { days: 30, label: '近 30 天' },
  { days: 90, label: '近 90 天' },
];

/** Shade by open reports: none / a few / several / many. */
function heatColor(open: number): string {
  if (open <= 0) return '#e3f2e6';
  if (open <= 2) return '#ffe58f';
  if (open <= 5) return '#ffa940';
  return '#f5222d';
}

export default function Dashboard() {
  const [me, setMe] = useState<Me | null>(storage.me());
  const [areaPath, setAreaPath] = useState<Array<{ id: string; name: string }>>([]);
  const [days, setDays] = useState(30);
  const [stats, setStats] = useState<Stats | null>(null);
  const [heat, setHeat] = useState<HeatFeature[] | null>(null);
  const [overdue, setOverdue] = useState<ReportSummary[] | null>(null);
  const [unplaced, setUnplaced] = useState<ReportSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [categories, setCategories] = useState<Category[]>([]);
  const areaId = areaPath[areaPath.length - 1]?.id;

  useDidShow(() => {
    if (!requireSession()) return;
    refreshMe().then(
      (who) => {
        setMe(who);
        if (who.role === 'resident') void Taro.reLaunch({ url: PAGES.home });
        else if (!areaPath.length && who.areas[0]) setAreaPath([{ id: who.areas[0].id, name: who.areas[0].name }]);
      },
      (e) => setError(messageOf(e)),
    );
  });

  const load = () => {
    if (!areaId) return;
    setError(null);
    setStats(null);
    setHeat(null);
    const range = { areaId, from: chinaDay(days - 1), to: chinaDay(0) };
    api.stats(range).then(setStats, (e) => setError(messageOf(e)));
    api.heatmap(areaId).then((h) => setHeat(h.features), () => setHeat([]));
    setOverdue(null);
    api.overdue(areaId).then((t) => setOverdue(t.items), () => setOverdue([]));
    if (me?.role === 'dispatcher') api.tasks('unplaced').then((t) => setUnplaced(t.items), () => setUnplaced([]));
  };
  useEffect(load, [areaId, days]);
  useEffect(() => {
    api.categories().then((c) => setCategories(c.items), () => undefined);
  }, []);
  const categoryName = (code: string) => categories.find((c) => c.code === code)?.name ?? code;

  const polygons = useMemo<MapPolygon[]>(
    () =>
      (heat ?? []).map((f) => ({
        id: f.id,
        name: f.properties.name,
        // boundaries arrive in WGS-84; the app displays in GCJ-02 like everything else it shows
        rings: ringsOf(f.geometry, wgs84ToGcj02),
        fill: heatColor(f.properties.open),
        stroke: f.properties.overdue > 0 ? '#cf1322' : undefined,
        tooltip: `${f.properties.name}：未办结 ${f.properties.open}，超时 ${f.properties.overdue}`,
      })),
    [heat],
  );

  const exportCsv = async () => {
    if (process.env.TARO_ENV !== 'h5') {
      void Taro.showModal({ title: '导出', content: '请在电脑浏览器中打开指挥中心导出 CSV', showCancel: false });
      return;
    }
    try {
      const res = await fetch(api.exportUrl({ areaId, from: chinaDay(days - 1), to: chinaDay(0) }), { headers: { authorization: `Bearer ${storage.token()}` } });
      if (!res.ok) throw new Error(((await res.json().catch(() => null)) as { error?: { message?: string } } | null)?.error?.message ?? '导出失败');
      const url = URL.createObjectURL(await res.blob());
      const a = document.createElement('a');
      a.href = url;
      a.download = `微事报-${areaPath[areaPath.length - 1]?.name ?? ''}-${chinaDay(0)}.csv`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) {
      void Taro.showToast({ title: e instanceof Error ? e.message : messageOf(e), icon: 'none' });
    }
  };

  const k = stats?.area;
  const cards: Array<[string, string, boolean?]> = k
    ? [
        ['受理率', percent(k.acceptanceRate)],
        ['按期办结率', percent(k.onTimeClosureRate)],
        ['结案率', percent(k.closureRate)],
        ['返工率', percent(k.reworkRate)],
        ['满意率', percent(k.satisfactionRate)],
        ['受理用时（中位）', minutes(k.medianAcceptMinutes)],
        ['结案用时（中位）', minutes(k.medianCloseMinutes)],
        ['期间上报', String(k.reported)],
        ['未办结', String(k.open)],
        ['已超时', String(k.overdue), k.overdue > 0],
      ]
    : [];

  return (
    <View className='page dash' data-testid='dashboard'>
      <View className='row--between' style={{ marginBottom: '8px' }}>
        <View>
          <Text className='h1 block'>{areaPath[areaPath.length - 1]?.name ?? '指挥中心'}</Text>
          <Text className='muted small'>{me ? `${me.name} · ${me.roleName}` : ''}{stats ? ` · ${stats.from} 至 ${stats.to}（北京时间）` : ''}</Text>
        </View>
        <Text className='link small' onClick={signOut}>
          切换账号
        </Text>
      </View>
      <View className='row--between' style={{ marginBottom: '12px', flexWrap: 'wrap', gap: '8px' }}>
        <View className='period'>
          {PERIODS.map((p) => (
            <Text key={p.days} className={`badge ${days === p.days ? 'badge--blue' : 'badge--grey'}`} style={{ padding: '4px 10px', fontSize: '13px' }} onClick={() => setDays(p.days)}>
              {p.label}
            </Text>
          ))}
        </View>
        <View className='row gap'>
          {areaPath.length > 1 ? (
            <Button className='btn btn--small' onClick={() => setAreaPath(areaPath.slice(0, -1))}>
              ‹ 返回{areaPath[areaPath.length - 2]?.name}
            </Button>
          ) : null}
          {me?.role === 'dispatcher' || me?.role === 'admin' ? (
            <Button className='btn btn--small btn--ghost' onClick={() => void exportCsv()}>
              导出 CSV
            </Button>
          ) : null}
        </View>
      </View>

      {error ? <ErrorState message={error} onRetry={load} /> : null}
      {!error && !stats ? <Loading text='正在统计…' /> : null}

      {stats ? (
        <View className='dash__cols'>
          <View className='dash__main'>
            <View className='kpis' data-testid='kpis'>
              {cards.map(([label, value, warn]) => (
                <View key={label} className={`kpi${warn ? ' kpi--warn' : ''}`}>
                  <Text className='kpi__v'>{value}</Text>
                  <Text className='kpi__k'>{label}</Text>
                </View>
              ))}
            </View>
            <Text className='h2'>网格热力图（未办结数量）</Text>
            {heat === null ? <Loading text='正在加载地图…' /> : heat.length ? <BaseMap label='网格热力图：颜色越深未办结越多' polygons={polygons} height='360px' /> : <Empty text='该区域没有网格边界数据' />}
            <View className='legend'>
              {[
                ['#e3f2e6', '无'],
                ['#ffe58f', '1–2 件'],
                ['#ffa940', '3–5 件'],
                ['#f5222d', '6 件以上'],
              ].map(([c, l]) => (
                <Text key={l}>
                  <Text className='legend__sw' style={{ background: c }} />
                  {l}
                </Text>
              ))}
              <Text>
                <Text className='legend__sw' style={{ border: '2px solid #cf1322', background: 'transparent' }} />
                有超时
              </Text>
            </View>
          </View>
          <View className='dash__side'>
            <Text className='h2'>下级区域</Text>
            <View className='card'>
              {stats.children.length ? (
                <View className='table'>
                  <View className='table__row table__row--head'>
                    <Text className='table__cell table__cell--name'>区域</Text>
                    <Text className='table__cell'>上报</Text>
                    <Text className='table__cell'>未结</Text>
                    <Text className='table__cell'>超时</Text>
                    <Text className='table__cell'>满意率</Text>
                  </View>
                  {stats.children.map((c) => (
                    <View key={c.areaId} className='table__row' onClick={() => c.level !== 'grid' && setAreaPath([...areaPath, { id: c.areaId, name: c.name }])}>
                      <Text className={`table__cell table__cell--name ${c.level !== 'grid' ? 'link' : ''}`}>{c.name}</Text>
                      <Text className='table__cell'>{c.reported}</Text>
                      <Text className='table__cell'>{c.open}</Text>
                      <Text className={`table__cell ${c.overdue ? 'danger-text' : ''}`}>{c.overdue}</Text>
                      <Text className='table__cell'>{percent(c.satisfactionRate)}</Text>
                    </View>
                  ))}
                </View>
              ) : (
                <Text className='muted'>没有下级区域</Text>
              )}
            </View>
            <Text className='h2'>本区域超时事项</Text>
            <TaskList items={overdue} empty='本区域没有超时事项' />
            {me && me.role !== 'grid_worker' && areaId ? (
              <>
                <Text className='h2'>重复隐患（同一楼栋 90 天内 3 次以上）</Text>
                <RepeatList areaId={areaId} categoryName={categoryName} />
              </>
            ) : null}
            {me?.role === 'dispatcher' ? (
              <>
                <Text className='h2'>待人工分派（系统未能定位网格）</Text>
                <TaskList items={unplaced} empty='没有待分派的上报' />
              </>
            ) : null}
          </View>
        </View>
      ) : null}
    </View>
  );
}

function TaskList({ items, empty }: { items: ReportSummary[] | null; empty: string }) {
  if (items === null) return <Loading />;
  if (!items.length) return <Text className='muted block' style={{ padding: '0 4px 8px' }}>{empty}</Text>;
  return (
    <View>
      {items.map((r) => (
        <View key={r.id} className='card card--tap' onClick={() => Taro.navigateTo({ url: PAGES.task(r.id) })}>
          <View className='row--between'>
            <Text className='strong ellipsis grow'>{r.categoryName}</Text>
            <StatusBadge status={r.status} name={r.statusName} overdue={r.overdue} />
          </View>
          <Text className='muted small block'>
            {r.placeLabel ?? r.grid.name} · {countdown(r.dueAt).text}
          </Text>
        </View>
      ))}
    </View>
  );
}
