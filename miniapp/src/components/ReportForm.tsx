/**
 * The resident's report form, top to bottom in the order a person thinks: what is it (category
 * grid; fire and gas first tell them to call 119 / 110), photos, where (with the grid that will
 * handle it), what happened, anonymous or not; open reports of the same kind nearby are offered
 * before sending ("我也遇到"). Presentational: the page owns loading, uploads and sending.
 */
import { useRef, useState, type ReactNode } from 'react';
import { View, Text, Button, Textarea, Input, Switch } from '@tarojs/components';
import { CategoryIcon, categoryShortName } from './CategoryIcon';
import { PhotoPicker } from './Photos';
import { StatusBadge } from './StatusBadge';
import type { PhotoState } from '../lib/photos';
import type { Category, LatLng, Located, NearbyReport } from '../lib/types';
import { formatTime } from '../lib/format';
import { disabledIf } from '../lib/dom';

export interface DraftFields {
  category: string | null;
  description: string;
  address: string;
  anonymous: boolean;
}

export type Place =
  | { state: 'locating' }
  | { state: 'ok'; point: LatLng; located: Located; label: string }
  | { state: 'error'; message: string; point?: LatLng };

export interface ReportFormProps {
  categories: Category[];
  draft: DraftFields;
  onChange: (patch: Partial<DraftFields>) => void;
  photos: PhotoState[];
  onAddPhoto: () => void;
  onRemovePhoto: (i: number) => void;
  onRetryPhoto?: (i: number) => void;
  place: Place;
  onAdjustPlace: () => void;
  /** an inline map to move the pin (h5); weapp opens WeChat's own picker instead */
  map?: ReactNode;
  nearby: NearbyReport[];
  onJoin: (id: string) => void;
  onCall: (number: string) => void;
  /** true while sending (default false) */
  submitting?: boolean;
  error?: string | null;
  onSubmit: () => void | Promise<void>;
}

export const DESCRIPTION_MAX = 1000;

/** What still stops sending, in words; empty when ready. */
export function missingFor(draft: DraftFields, photos: PhotoState[], place: Place): string[] {
  const out: string[] = [];
  if (!draft.category) out.push('请选择问题类型');
  if (place.state !== 'ok') out.push(place.state === 'locating' ? '正在确定位置…' : '请确定问题位置');
  if (!draft.description.trim()) out.push('请简单描述问题');
  if (photos.some((p) => p.state === 'uploading')) out.push('照片上传中…');
  if (photos.some((p) => p.state === 'failed')) out.push('有照片上传失败：请重试或删除');
  return out;
}

export function ReportForm(props: ReportFormProps) {
  const { categories, draft, onChange, photos, place, nearby, submitting = false, error } = props;
  const [ackFor, setAckFor] = useState<string | null>(null);
  const sent = useRef(false);
  const selected = categories.find((c) => c.code === draft.category) ?? null;
  const blocked = !!selected?.emergency && ackFor !== selected.code;
  const missing = missingFor(draft, photos, place);
  const canSend = !missing.length && !submitting;

  const submit = () => {
    // a second tap while the first is in flight does nothing (and the page reuses the draft's Idempotency-Key)
    if (!canSend || sent.current) return;
    sent.current = true;
    Promise.resolve(props.onSubmit()).finally(() => {
      sent.current = false;
    });
  };

  return (
    <View data-testid='report-form'>
      <View className='field'>
        <Text className='field__label'>
          1. 发现了什么问题<Text className='req'>*</Text>
        </Text>
        <View className='cat-grid'>
          {categories.map((c) => (
            <View key={c.code} className={`cat${draft.category === c.code ? ' cat--on' : ''}`} onClick={() => onChange({ category: c.code })} data-testid={`category-${c.code}`}>
              <CategoryIcon code={c.code} />
              <Text className='cat__short'>{categoryShortName(c.code, c.name)}</Text>
            </View>
          ))}
        </View>
        {selected ? <Text className='muted block mt8'>已选：{selected.name}</Text> : null}
      </View>

      {blocked && selected ? (
        <View className='notice notice--danger' data-testid='emergency-notice'>
          <Text className='emergency__title'>如有危险请立即拨打 119 / 110</Text>
          <Text className='emergency__body'>{selected.emergencyNotice ?? '有明火或燃气泄漏时，先打电话求助，再上报。'}</Text>
          <View className='row gap'>
            {(selected.emergencyCall.length ? selected.emergencyCall : ['119', '110']).map((n) => (
              <Button key={n} className='btn btn--danger grow' onClick={() => props.onCall(n)}>
                拨打 {n}
              </Button>
            ))}
          </View>
          <Button className='btn btn--primary btn--block mt12' onClick={() => setAckFor(selected.code)}>
            没有紧急危险，继续上报
          </Button>
        </View>
      ) : null}

      {!blocked ? (
        <>
          <View className='field'>
            <Text className='field__label'>2. 拍照（最多 9 张，建议拍清现场）</Text>
            <PhotoPicker value={photos} max={9} onAdd={props.onAddPhoto} onRemove={props.onRemovePhoto} onRetry={props.onRetryPhoto} disabled={submitting} />
          </View>

          <View className='field' data-testid='place'>
            <View className='row--between'>
              <Text className='field__label'>
                3. 问题位置<Text className='req'>*</Text>
              </Text>
              <Text className='link small' onClick={props.onAdjustPlace}>
                调整位置
              </Text>
            </View>
            {place.state === 'locating' ? <Text className='muted'>正在定位…</Text> : null}
            {place.state === 'error' ? <Text className='danger-text'>{place.message}</Text> : null}
            {place.state === 'ok' ? (
              <View>
                <Text className='block'>{place.label}</Text>
                <Text className='block mt8' data-testid='routed-grid'>
                  将由 <Text className='strong'>{[place.located.community?.name, place.located.grid?.name].filter(Boolean).join(' · ')}</Text> 负责处理
                </Text>
                {place.located.routing === 'nearest' ? <Text className='muted block'>该位置在网格边界外，已交给最近的网格</Text> : null}
              </View>
            ) : null}
            {props.map}
            <Input className='input mt8' value={draft.address} placeholder='楼栋、门牌（选填），如 3栋2单元楼道' maxlength={200} onInput={(e) => onChange({ address: e.detail.value })} />
          </View>

          {nearby.length ? (
            <View className='notice notice--warn' data-testid='nearby'>
              <Text className='strong block'>附近已有人上报了同类问题</Text>
              <Text className='small block'>如果是同一个问题，点“我也遇到”即可跟进处理结果，不必重复上报。</Text>
              {nearby.map((r) => (
                <View key={r.id} className='card mt8' style={{ marginBottom: 0 }}>
                  <View className='row--between'>
                    <StatusBadge status={r.status} name={r.statusName} />
                    <Text className='muted'>{r.distanceMeters !== undefined ? `约 ${r.distanceMeters} 米` : ''}</Text>
                  </View>
                  {/* others' reports come without their text: kind and time say enough to recognise one */}
                  <Text className='report-row__desc block'>{r.description ?? `${r.categoryName} · ${formatTime(r.createdAt)}上报`}</Text>
                  <Button className='btn btn--ghost btn--small' onClick={() => props.onJoin(r.id)}>
                    我也遇到
                  </Button>
                </View>
              ))}
            </View>
          ) : null}

          <View className='field'>
            <Text className='field__label'>
              4. 简单描述<Text className='req'>*</Text>
            </Text>
            <Textarea
              className='textarea'
              value={draft.description}
              placeholder='例如：3 栋 2 单元楼道里有电动车在充电，电线从窗户拉出来'
              maxlength={DESCRIPTION_MAX}
              onInput={(e) => onChange({ description: e.detail.value })}
              data-testid='description'
            />
            <Text className='muted small block'>
              {draft.description.length}/{DESCRIPTION_MAX}
            </Text>
          </View>

          <View className='field switch-row'>
            <View className='grow'>
              <Text className='field__label' style={{ marginBottom: 0 }}>
                匿名上报
              </Text>
              <Text className='muted small block'>工作人员看不到您是谁；您仍能查看进展并评价</Text>
            </View>
            <Switch checked={draft.anonymous} color='#1f6feb' onChange={(e) => onChange({ anonymous: e.detail.value })} data-testid='anonymous' />
          </View>

          {error ? (
            <View className='notice notice--danger' style={{ borderWidth: '1px' }} data-testid='submit-error'>
              <Text>{error}</Text>
            </View>
          ) : null}

          <View className='footer-bar' style={{ flexDirection: 'column' }}>
            {missing.length && !submitting ? <Text className='muted small' style={{ textAlign: 'center' }}>{missing[0]}</Text> : null}
            <Button className='btn btn--primary btn--block' disabled={disabledIf(!canSend)} onClick={submit} data-testid='submit'>
              {submitting ? '正在提交…' : '提交上报'}
            </Button>
          </View>
        </>
      ) : null}
    </View>
  );
}
