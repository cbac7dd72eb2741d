/** KPI counters of an area (store/kpi): the running NOW item and one item per earlier day. */
import { entity } from '#store/entity';

export const KpiNow = entity({
  entity: 'KPI now',
  pk: 'KPI#<areaId>',
  sk: 'NOW',
  note: 'open, overdue; the latest day\'s counters; on a grid\'s, the versions counted',
  patterns: [{ what: 'KPIs of areas now', how: 'BatchGet {pk} x {sk}' }],
});

export const KpiDay = entity({
  entity: 'KPI day',
  pk: 'KPI#<areaId>',
  sk: 'DAY#<day>',
  note: 'counters + histograms of an earlier China day',
  patterns: [{ what: 'KPIs of areas over days', how: 'BatchGet {pk} x ({sk}, NOW) (cost: areas x days)' }],
});
