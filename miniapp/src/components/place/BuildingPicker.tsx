/**
 * Choosing a place without a map: type a few characters (name, address, or pinyin initials such
 * as "snhy" for 深南花园), or drill down 社区 → 小区 → 栋 → 单元 → 楼层. Every choice is a real
 * button in a list with its full name, and the results are announced (aria-live), so the whole
 * picker works with a screen reader; 单元 and 楼层 can be skipped.
 */
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { View, Text, Button, Input } from '@tarojs/components';
import { api, messageOf } from '../../lib/api';
import { fieldLabel, role } from '../../lib/a11y';
import { useAsync } from '../../lib/useAsync';
import type { AreaItem, BuildingItem } from '../../lib/types';
import { numberInEstate } from './PlaceConfirm';

export interface BuildingPickerProps {
  onChoose: (b: BuildingItem, unit: string | null, floor: number | null) => void;
  onClose?: () => void;
}

type Step =
  | { kind: 'communities' }
  | { kind: 'estates'; community: AreaItem }
  | { kind: 'buildings'; community: AreaItem; estate: string }
  /** `from`: the list the building was chosen in (null: the search results) */
  | { kind: 'unit'; building: BuildingItem; from: Browse | null }
  | { kind: 'floor'; building: BuildingItem; unit: string | null; from: Browse | null };
type Browse = Extract<Step, { kind: 'communities' | 'estates' | 'buildings' }>;

const SEARCH_DELAY_MS = 300;
const upTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

function Choice({ label, hint, onTap, testId }: { label: string; hint?: string; onTap: () => void; testId?: string }) {
  return (
    <View {...role('listitem')} className='pick__item'>
      <Button className='pick__btn' {...role('button', hint ? `${label}，${hint}` : label)} onClick={onTap} data-testid={testId}>
        <Text className='block'>{label}</Text>
        {hint ? <Text className='muted small block'>{hint}</Text> : null}
      </Button>
    </View>
  );
}

function List({ children, label }: { children: ReactNode; label: string }) {
  return (
    <View {...role('list', label)} className='pick__list'>
      {children}
    </View>
  );
}

export function BuildingPicker({ onChoose, onClose }: BuildingPickerProps) {
  const [query, setQuery] = useState('');
  const [step, setStep] = useState<Step>({ kind: 'communities' });
  const [found, setFound] = useState<{ q: string; items: BuildingItem[] } | { q: string; error: string } | null>(null);
  const [attempt, setAttempt] = useState(0);

  const q = query.trim();
  useEffect(() => {
    if (!q) return setFound(null);
    let stale = false;
    const t = setTimeout(() => {
      api.buildings({ q, limit: 20 }).then(
        (r) => !stale && setFound({ q, items: r.items }),
        (e) => !stale && setFound({ q, error: messageOf(e) }),
      );
    }, SEARCH_DELAY_MS);
    return () => {
      stale = true;
      clearTimeout(t);
    };
  }, [q, attempt]);

  const communities = useAsync(() => api.communities().then((r) => r.items), []);
  // kept while 单元 / 楼层 are asked, so going back does not load the community again
  const browse = step.kind === 'unit' || step.kind === 'floor' ? step.from : step;
  const communityId = browse && (browse.kind === 'estates' || browse.kind === 'buildings') ? browse.community.id : null;
  const ofCommunity = useAsync(() => (communityId ? api.buildings({ communityId, limit: 500 }).then((r) => r.items) : Promise.resolve([])), [communityId]);
  const estates = useMemo(() => [...new Set((ofCommunity.data ?? []).map((b) => b.estate || '其他楼栋'))], [ofCommunity.data]);

  /** A building is chosen: ask 单元 and 楼层 when the register knows them, else it is done. */
  const pick = (b: BuildingItem) => {
    const from = searching ? null : (step as Browse);
    if (b.units) setStep({ kind: 'unit', building: b, from });
    else if (b.floors) setStep({ kind: 'floor', building: b, unit: null, from });
    else onChoose(b, null, null);
  };
  const pickUnit = (b: BuildingItem, unit: string | null, from: Browse | null) => (b.floors ? setStep({ kind: 'floor', building: b, unit, from }) : onChoose(b, unit, null));

  // the label already names the street, community and estate: the hint says who looks after it
  const buildingHint = (b: BuildingItem) => (b.grid ? `${b.grid.name}负责` : '');

  // what the screen reader hears after each change (and what everyone sees)
  const searching = !!q && step.kind !== 'unit' && step.kind !== 'floor';
  let status: string;
  let body: ReactNode = null;
  if (searching) {
    if (!found || found.q !== q) status = '正在搜索…';
    else if ('error' in found) status = `搜索失败：${found.error}`;
    else status = found.items.length ? `找到 ${found.items.length} 个楼栋` : `没有找到“${q}”，可换个说法，或按小区查找`;
    if (found && found.q === q && 'items' in found && found.items.length)
      body = (
        <List label='搜索结果'>
          {found.items.map((b) => (
            <Choice key={b.id} label={b.label} hint={buildingHint(b)} onTap={() => pick(b)} testId='building-option' />
          ))}
        </List>
      );
  } else if (step.kind === 'communities') {
    if (communities.error) status = `社区列表加载失败：${communities.error}`;
    else if (communities.loading) status = '正在加载社区…';
    else status = communities.data?.length ? '请选择社区' : '还没有社区数据，请用搜索或地图';
    body = communities.data ? (
      <List label='社区'>
        {communities.data.map((c) => (
          <Choice key={c.id} label={c.name} onTap={() => setStep({ kind: 'estates', community: c })} testId='community-option' />
        ))}
      </List>
    ) : null;
  } else if (step.kind === 'estates' || step.kind === 'buildings') {
    const items = ofCommunity.data ?? [];
    if (ofCommunity.error) status = `楼栋加载失败：${ofCommunity.error}`;
    else if (ofCommunity.loading) status = '正在加载楼栋…';
    else if (!items.length) status = `${step.community.name}还没有登记楼栋，请用搜索或地图`;
    else status = step.kind === 'estates' ? `${step.community.name}：请选择小区` : `${step.estate}：请选择楼栋`;
    if (!ofCommunity.loading && step.kind === 'estates')
      body = (
        <List label='小区'>
          {estates.map((e) => (
            <Choice key={e} label={e} hint={`${items.filter((b) => (b.estate || '其他楼栋') === e).length} 栋`} onTap={() => setStep({ kind: 'buildings', community: step.community, estate: e })} testId='estate-option' />
          ))}
        </List>
      );
    if (!ofCommunity.loading && step.kind === 'buildings')
      body = (
        <List label='楼栋'>
          {items
            .filter((b) => (b.estate || '其他楼栋') === step.estate)
            .map((b) => (
              <Choice key={b.id} label={numberInEstate(b)} hint={b.label} onTap={() => pick(b)} testId='building-option' />
            ))}
        </List>
      );
  } else if (step.kind === 'unit') {
    const b = step.building;
    status = `${b.label}：请选择单元（可跳过）`;
    body = (
      <List label='单元'>
        <Choice label='不清楚 / 跳过' onTap={() => pickUnit(b, null, step.from)} testId='unit-skip' />
        {upTo(b.units ?? 0).map((n) => (
          <Choice key={n} label={`${n}单元`} onTap={() => pickUnit(b, `${n}单元`, step.from)} testId='unit-option' />
        ))}
      </List>
    );
  } else {
    const { building: b, unit } = step;
    status = `${b.label}${unit ?? ''}：请选择楼层（可跳过）`;
    body = (
      <List label='楼层'>
        <Choice label='不清楚 / 跳过' onTap={() => onChoose(b, unit, null)} testId='floor-skip' />
        {upTo(b.floors ?? 0).map((n) => (
          <Choice key={n} label={`${n}层`} onTap={() => onChoose(b, unit, n)} testId='floor-option' />
        ))}
      </List>
    );
  }

  const back = (): Step | null => {
    switch (step.kind) {
      case 'communities':
        return null;
      case 'estates':
        return { kind: 'communities' };
      case 'buildings':
        return { kind: 'estates', community: step.community };
      case 'unit':
        return step.from ?? { kind: 'communities' };
      case 'floor':
        return step.building.units ? { kind: 'unit', building: step.building, from: step.from } : (step.from ?? { kind: 'communities' });
    }
  };
  const previous = back();
  const failed = searching ? !!found && 'error' in found : step.kind === 'communities' ? !!communities.error : !!ofCommunity.error;

  return (
    <View className='pick' data-testid='building-picker' {...role('region', '选择楼栋')}>
      <View className='row--between'>
        <Text className='strong'>搜索或选择楼栋</Text>
        {onClose ? (
          <Text className='link small tap' {...role('button', '收起楼栋选择')} onClick={onClose}>
            收起
          </Text>
        ) : null}
      </View>
      <Input
        className='input mt8'
        value={query}
        placeholder='输入小区、楼栋或拼音首字母，如 snhy'
        {...fieldLabel('搜索楼栋')}
        maxlength={40}
        onInput={(e) => {
          setQuery(e.detail.value);
          if (step.kind === 'unit' || step.kind === 'floor') setStep({ kind: 'communities' });
        }}
        data-testid='building-search'
      />
      <View className='row--between mt8'>
        <Text className={`small ${failed ? 'danger-text' : 'muted'}`} aria-live='polite' data-testid='picker-status'>
          {status}
        </Text>
        {previous && !searching ? (
          <Text className='link small tap' {...role('button', '返回上一步')} onClick={() => setStep(previous)}>
            ‹ 返回
          </Text>
        ) : null}
      </View>
      {failed ? (
        <Button className='btn btn--small btn--ghost mt8' onClick={() => (searching ? setAttempt((n) => n + 1) : step.kind === 'communities' ? void communities.reload() : void ofCommunity.reload())}>
          重试
        </Button>
      ) : null}
      {body}
    </View>
  );
}
