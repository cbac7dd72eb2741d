/**
 * The dispatch centre (and leaders / officers for their own areas): KPI cards for an area and a
 * period, the map of grids shaded by open reports (outlined red where some are overdue) over the
 * real basemap — a tap on a grid shows its figures, a tap elsewhere closes them (a mouse also
 * hovers them) — each child area's figures, the overdue list with who holds each item, since
 * when and how late, the buildings with repeated hazards (重复隐患), the queue routing could not
 * place, the community responders' figures (群防群治: offers, acceptance, time to accept and
 * arrive, per responder, ratings; per pool), and CSV export. Lists name places by their label; bracketed parts of labels never break.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
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
import { role } from '../../lib/a11y';
import { StatusBadge } from '../../components/StatusBadge';
import { Empty, ErrorState, Loading } from '../../components/StateView';
import { isResidentSide } from '../../lib/responders';
import type { Category, HeatFeature, Me, ReportSummary, Stats } from '../../lib/types';
import { Nobr, heldFrom, holderName, lateBy, type StaffSummary } from '../../staff/shared';
import { AssistFigures } from './AssistFigures';
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
  const [overdue, setOverdue] = useState<StaffSummary[] | null>(null);
  /** the grid whose figures are shown after a tap on the map (null: none) */
  const [tip, setTip] = useState<string | null>(null);
  const tapped = useRef<string | null>(null);
  const [unplaced, setUnplaced] = useState<ReportSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [categories, setCategories] = useState<Category[]>([]);
  const areaId = areaPath[areaPath.length - 1]?.id;

  useDidShow(() => {
    if (!requireSession()) return;
    refreshMe().then(
      (who) => {
        setMe(who);
        if (isResidentSide(who.role)) void Taro.reLaunch({ url: PAGES.home });
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

  const figures = (f: HeatFeature) => `${f.properties.name}：未办结 ${f.properties.open}，超时 ${f.properties.overdue}`;
  const polygons = useMemo<MapPolygon[]>(
    () =>
      (heat ?? []).map((f) => ({
        id: f.id,
        name: f.properties.name,
        // boundaries arrive in WGS-84; the app displays in GCJ-02 like everything else it shows
        rings: ringsOf(f.geometry, wgs84ToGcj02),
        fill: heatColor(f.properties.open),
        stroke: f.properties.overdue > 0 ? '#cf1322' : undefined,
        // a mouse hovers for the figures; a finger taps (the card below), as hover never comes
        tooltip: canHover() ? figures(f) : undefined,
      })),
    [heat],
  );
  useEffect(() => setTip(null), [heat]);
  const tipped = tip ? heat?.find((f) => f.id === tip) : undefined;
  /** A tap on a grid opens its figures; the same tap then reaches the map, which must not close them. */
  const tapGrid = (id: string) => {
    tapped.current = id;
    setTip(id);
    setTimeout(() => (tapped.current = null), 0);
  };
  /** A tap anywhere on the map that is not on a grid closes them. */
  const tapMap = () => {
    if (tapped.current === null) setTip(null);
  };

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
          <Nobr className='muted small' text={`${me ? `${me.name} · ${me.roleName}` : ''}${stats ? ` · ${stats.from} 至 ${stats.to}（北京时间）` : ''}`} />
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
                  <Nobr className='kpi__k' text={label} />
                </View>
              ))}
            </View>
            <Nobr className='h2' text='网格热力图（未办结数量）' />
            {heat === null ? (
              <Loading text='正在加载地图…' />
            ) : heat.length ? (
              <View style={{ position: 'relative' }}>
                <BaseMap label='网格热力图：颜色越深未办结越多' polygons={polygons} height='360px' onPolygonClick={tapGrid} onPick={tapMap} />
                {tipped ? (
                  <View className='dash__tip' data-testid='map-tip' aria-live='polite'>
                    <Text className='strong block'>{tipped.properties.name}</Text>
                    <Text className='small block'>
                      未办结 {tipped.properties.open} · <Text className={tipped.properties.overdue ? 'danger-text' : ''}>超时 {tipped.properties.overdue}</Text>
                    </Text>
                    <Text className='dash__tip-x' onClick={() => setTip(null)} data-testid='map-tip-close' {...role('button', '关闭')}>
                      ×
                    </Text>
                  </View>
                ) : null}
              </View>
            ) : (
              <Empty text='该区域没有网格边界数据' />
            )}
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
            <AssistFigures k={stats.area} />
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
            <TaskList items={overdue} empty='本区域没有超时事项' held />
            {me && me.role !== 'grid_worker' && areaId ? (
              <>
                <Nobr className='h2' text='重复隐患（同一楼栋 90 天内 3 次以上）' />
                <RepeatList areaId={areaId} categoryName={categoryName} />
              </>
            ) : null}
            {me?.role === 'dispatcher' ? (
              <>
                <Nobr className='h2' text='待人工分派（系统未能定位网格）' />
                <TaskList items={unplaced} empty='没有待分派的上报' />
              </>
            ) : null}
          </View>
        </View>
      ) : null}
    </View>
  );
}

/** Hover exists (a mouse): the map's own tooltips; on a phone the tap card takes their place. */
function canHover(): boolean {
  return process.env.TARO_ENV === 'h5' && typeof window !== 'undefined' && !!window.matchMedia?.('(hover: hover) and (pointer: fine)').matches;
}

/** Reports by deadline; `held`: overdue work, which says who holds each item, since when and how late. */
function TaskList({ items, empty, held = false }: { items: StaffSummary[] | ReportSummary[] | null; empty: string; held?: boolean }) {
  if (items === null) return <Loading />;
  if (!items.length) return <Text className='muted block' style={{ padding: '0 4px 8px' }}>{empty}</Text>;
  const now = new Date();
  return (
    <View>
      {(items as StaffSummary[]).map((r) => (
        <View key={r.id} className='card card--tap' onClick={() => Taro.navigateTo({ url: PAGES.task(r.id) })} data-testid={held ? 'overdue-item' : 'queue-item'}>
          <View className='row--between'>
            <Text className='strong ellipsis grow'>{r.categoryName}</Text>
            <StatusBadge status={r.status} name={r.statusName} overdue={r.overdue} />
          </View>
          <Text className='muted small block'>
            {r.placeLabel ?? r.grid.name}
            {held ? '' : ` · ${countdown(r.dueAt).text}`}
          </Text>
          {held ? (
            <View className='row--between' style={{ marginTop: '4px', gap: '8px' }}>
              <Text className='small' data-testid='holder-line'>
                {[`${holderName(r)}${r.holder ? ' 负责' : ''}`, heldFrom(r, now)].filter(Boolean).join(' · ')}
              </Text>
              <Text className='small strong danger-text' style={{ flexShrink: 0 }} data-testid='late-by'>
                {lateBy(r) ?? countdown(r.dueAt).text}
              </Text>
            </View>
          ) : null}
        </View>
      ))}
    </View>
  );
}
