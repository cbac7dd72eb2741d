/**
 * The resident's report form, top to bottom in the order a person thinks: what is it (category
 * grid; fire and gas first tell them to call 119 / 110), photos, where (the place field: the
 * server's label and the grid that will handle it), what happened, anonymous or not; open
 * reports of the same kind nearby or in the same building are offered before sending ("我也遇到").
 * Sending without a photo is allowed after one nudge (有照片处理更快); a failed send is told in a
 * dialog over the screen (and stays in words above the button), never under the fixed footer.
 * Presentational: the page owns loading, uploads, the place and sending.
 */
import { useEffect, useRef, useState } from 'react';
import { View, Text, Button, Textarea, Input, Switch } from '@tarojs/components';
import { CategoryIcon, categoryShortName } from './CategoryIcon';
import { PhotoPicker } from './Photos';
import { NearbyList } from './NearbyList';
import { PlaceField } from './place/PlaceField';
import { placeMissing, type UsePlace } from './place/usePlace';
import type { PhotoState } from '../lib/photos';
import type { Category, NearbyReport } from '../lib/types';
import { disabledIf } from '../lib/dom';
import { fieldLabel, radio, role } from '../lib/a11y';
import { Dialog } from './Dialog';

export interface DraftFields {
  category: string | null;
  description: string;
  address: string;
  anonymous: boolean;
  /** the answer to the category's safety question (sent with the report) */
  safetyAnswer?: 'yes' | 'no';
}

export interface ReportFormProps {
  categories: Category[];
  draft: DraftFields;
  onChange: (patch: Partial<DraftFields>) => void;
  photos: PhotoState[];
  onAddPhoto: () => void;
  onRemovePhoto: (i: number) => void;
  onRetryPhoto?: (i: number) => void;
  place: UsePlace;
  nearby: NearbyReport[];
  onJoin: (id: string) => void;
  onCall: (number: string) => void;
  /** true while sending (default false) */
  submitting?: boolean;
  error?: string | null;
  /** the error dialog's title (default 提交失败) */
  errorTitle?: string;
  onSubmit: () => void | Promise<void>;
}

export const DESCRIPTION_MAX = 1000;

/** Why photos help, on the form and in the no-photo nudge. */
export const PHOTO_WHY = '有照片处理更快：网格员能先看清现场、带对工具，少跑一趟。';

/** What still stops sending, in words; empty when ready. `place`: what the place lacks (null: confirmed). */
export function missingFor(draft: DraftFields, photos: PhotoState[], place: string | null): string[] {
  const out: string[] = [];
  if (!draft.category) out.push('请选择问题类型');
  if (place) out.push(place);
  if (!draft.description.trim()) out.push('请简单描述问题');
  if (photos.some((p) => p.state === 'uploading')) out.push('照片上传中…');
  if (photos.some((p) => p.state === 'failed')) out.push('有照片上传失败：请重试或删除');
  return out;
}

export function ReportForm(props: ReportFormProps) {
  const { categories, draft, onChange, photos, place, nearby, submitting = false, error } = props;
  const [ackFor, setAckFor] = useState<string | null>(null);
  /** the category whose safety question was answered "danger now": the report stops there */
  const [stoppedFor, setStoppedFor] = useState<string | null>(null);
  const sent = useRef(false);
  /** the no-photo nudge: not shown yet / showing / answered (it is asked once) */
  const [nudge, setNudge] = useState<'ask' | 'open' | 'done'>('ask');
  /** the error dialog: opens on each new error, closed by 知道了 */
  const [errorOpen, setErrorOpen] = useState(false);
  useEffect(() => setErrorOpen(!!error), [error]);
  const selected = categories.find((c) => c.code === draft.category) ?? null;
  const question = selected?.safetyQuestion ?? null;
  const blocked = (!!selected?.emergency || !!question) && ackFor !== selected!.code;
  const stopped = !!selected && stoppedFor === selected.code;
  const answer = (a: 'yes' | 'no') => {
    if (!selected || !question) return;
    if (a === question.stopWhen) return setStoppedFor(selected.code);
    setStoppedFor(null);
    onChange({ safetyAnswer: a });
    setAckFor(selected.code);
  };
  const calls = selected && selected.emergencyCall.length ? selected.emergencyCall : ['119', '110'];
  const missing = missingFor(draft, photos, placeMissing(place.state));
  const canSend = !missing.length && !submitting;

  const send = () => {
    // a second tap while the first is in flight does nothing (and the page reuses the draft's Idempotency-Key)
    if (sent.current) return;
    sent.current = true;
    Promise.resolve(props.onSubmit()).finally(() => {
      sent.current = false;
    });
  };
  const submit = () => {
    if (!canSend || sent.current) return;
    if (!photos.length && nudge === 'ask') return setNudge('open');
    send();
  };

  return (
    <View data-testid='report-form'>
      <View className='field'>
        <Text className='field__label'>
          1. 发现了什么问题<Text className='req'>*</Text>
        </Text>
        <View className='cat-grid' {...role('radiogroup', '问题类型')}>
          {categories.map((c) => (
            <View key={c.code} className={`cat${draft.category === c.code ? ' cat--on' : ''}`} {...radio(draft.category === c.code)} onClick={() => onChange({ category: c.code, safetyAnswer: undefined })} data-testid={`category-${c.code}`}>
              <CategoryIcon code={c.code} />
              <Text className='cat__short'>{categoryShortName(c.code, c.name)}</Text>
            </View>
          ))}
        </View>
        {selected ? <Text className='muted block mt8'>已选：{selected.name}</Text> : null}
      </View>

      {blocked && selected && question ? (
        <View className='notice notice--danger' {...role('region', '安全确认')} data-testid='safety-question'>
          {stopped ? (
            <>
              <Text className='emergency__title' aria-live='assertive'>
                请先拨打电话求助，本次不提交上报
              </Text>
              <Text className='emergency__body' data-testid='safety-stop'>
                {question.notice}
              </Text>
              <View className='row gap'>
                {calls.map((n) => (
                  <Button key={n} className='btn btn--danger grow' onClick={() => props.onCall(n)}>
                    拨打 {n}
                  </Button>
                ))}
              </View>
              <Button className='btn btn--ghost btn--block mt12' onClick={() => setStoppedFor(null)}>
                重新回答
              </Button>
            </>
          ) : (
            <>
              <Text className='emergency__title'>{question.question}</Text>
              <View className='row gap mt8'>
                <Button className='btn btn--ghost grow' onClick={() => answer('yes')} data-testid='safety-yes'>
                  是
                </Button>
                <Button className='btn btn--ghost grow' onClick={() => answer('no')} data-testid='safety-no'>
                  否
                </Button>
              </View>
            </>
          )}
        </View>
      ) : null}

      {blocked && selected && !question ? (
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
            <Text className='field__label'>2. 拍照（选填，最多 9 张）</Text>
            <Text className='muted small block' style={{ marginBottom: '8px' }} data-testid='photo-why'>
              {PHOTO_WHY}
            </Text>
            <PhotoPicker value={photos} max={9} onAdd={props.onAddPhoto} onRemove={props.onRemovePhoto} onRetry={props.onRetryPhoto} disabled={submitting} />
          </View>

          <PlaceField place={place}>
            <Input className='input mt8' value={draft.address} placeholder='门牌、位置补充（选填），如 2单元楼道' {...fieldLabel('位置补充（选填）')} maxlength={200} onInput={(e) => onChange({ address: e.detail.value })} />
          </PlaceField>

          <NearbyList items={nearby} onJoin={props.onJoin} />

          <View className='field'>
            <Text className='field__label'>
              4. 简单描述<Text className='req'>*</Text>
            </Text>
            <Textarea
              className='textarea'
              value={draft.description}
              placeholder='例如：3 栋 2 单元楼道里有电动车在充电，电线从窗户拉出来'
              maxlength={DESCRIPTION_MAX}
              {...fieldLabel('简单描述（必填）')}
              onInput={(e) => onChange({ description: e.detail.value })}
              data-testid='description'
            />
            <Text className='muted small block' aria-live='off'>
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
            <Switch checked={draft.anonymous} color='#1f6feb' {...fieldLabel('匿名上报')} onChange={(e) => onChange({ anonymous: e.detail.value })} data-testid='anonymous' />
          </View>

          {nudge === 'open' ? (
            <Dialog
              title='有照片处理更快'
              testId='photo-nudge'
              actions={[
                {
                  label: '添加照片',
                  testId: 'nudge-add',
                  onTap: () => {
                    setNudge('done');
                    props.onAddPhoto();
                  },
                },
                {
                  label: '不加照片，直接提交',
                  tone: 'plain',
                  testId: 'nudge-send',
                  onTap: () => {
                    setNudge('done');
                    send();
                  },
                },
              ]}
            >
              <Text className='block'>还没有照片。{PHOTO_WHY}</Text>
              <Text className='block mt8'>拍不到也没关系，可以直接提交。</Text>
            </Dialog>
          ) : null}

          {error && errorOpen ? (
            <Dialog alert title={props.errorTitle ?? '提交失败'} testId='submit-error-dialog' actions={[{ label: '知道了', testId: 'submit-error-ok', onTap: () => setErrorOpen(false) }]}>
              <Text className='block'>{error}</Text>
            </Dialog>
          ) : null}

          <View className='footer-bar' style={{ flexDirection: 'column' }}>
            {/* the reason stays in sight above the button once the dialog is closed */}
            {error ? (
              <Text className='danger-text small' style={{ textAlign: 'center' }} data-testid='submit-error'>
                {error}
              </Text>
            ) : null}
            {missing.length > 1 && !submitting ? <Text className='muted small' style={{ textAlign: 'center' }}>还需：{missing.slice(1).join('、')}</Text> : null}
            {/* while it cannot go, the button itself says why (what a screen reader reads on it) */}
            <Button className='btn btn--primary btn--block' disabled={disabledIf(!canSend)} onClick={submit} data-testid='submit'>
              {submitting ? '正在提交…' : missing.length ? missing[0] : '提交上报'}
            </Button>
          </View>
        </>
      ) : null}
    </View>
  );
}
