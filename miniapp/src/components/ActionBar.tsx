/**
 * Staff actions on a task: exactly the `availableActions` the API returned for this person now
 * (the transition table decides; the app never guesses). Actions that need more (a reason, a
 * note and after-photos, an assignee, a report to merge into) open a sheet to collect it.
 */
import { useRef, useState } from 'react';
import { View, Text, Button, Textarea, Input } from '@tarojs/components';
import { PhotoPicker } from './Photos';
import { usePhotos, type PhotoDeps } from '../lib/usePhotos';
import type { ActionBody, StaffAction } from '../lib/types';
import { disabledIf } from '../lib/dom';
import { ACTION_NAMES, STAFF_ACTIONS } from '../../../functions/src/domain/lifecycle';

/** Button wording per action: the transition table's own names (the timeline uses the API's `actionName`). */
export const ACTION_LABELS = Object.fromEntries(STAFF_ACTIONS.map((a) => [a, ACTION_NAMES[a]])) as Record<StaffAction, string>;

const PRIMARY: StaffAction[] = ['accept', 'dispatch', 'start', 'resolve', 'verify', 'close'];
const DANGER: StaffAction[] = ['reject', 'rework', 'hand_back'];
const ORDER: StaffAction[] = ['accept', 'dispatch', 'start', 'resolve', 'verify', 'close', 'rework', 'transfer', 'hand_back', 'reject', 'merge', 'remind'];

const NEEDS_REASON: Partial<Record<StaffAction, { title: string; placeholder: string; quick: string[] }>> = {
  reject: { title: '不予受理的原因', placeholder: '请说明原因，居民会看到', quick: ['不属于安全隐患', '信息不足，无法核实', '重复上报'] },
  hand_back: { title: '退回的原因', placeholder: '例如：不在本网格', quick: ['不在本网格', '不属于本人职责'] },
  transfer: { title: '转交的原因', placeholder: '例如：属于治安问题，转民警处理', quick: ['属于治安问题，转民警处理', '属于网格事务，转网格员处理'] },
  rework: { title: '返工的原因', placeholder: '请说明哪里没有处理好', quick: ['现场仍有隐患', '照片不能说明已处理'] },
};

export interface Assignee {
  id: string;
  name: string;
  role?: string;
  /** Chinese role name, e.g. 网格员 */
  roleName?: string;
  /** on_duty / off_duty / on_leave */
  duty?: string;
  /** tasks they hold now */
  openTasks?: number;
}

export const DUTY_LABELS: Record<string, { text: string; badge: string }> = {
  on_duty: { text: '在岗', badge: 'badge--green' },
  off_duty: { text: '休息', badge: 'badge--grey' },
  on_leave: { text: '请假', badge: 'badge--orange' },
};

export interface ActionBarProps extends PhotoDeps {
  actions: readonly string[];
  /** the signed-in staff member: "派给自己" */
  self: Assignee;
  /** other people this task can be dispatched to (default none) */
  candidates?: Assignee[];
  /** true while a request is in flight (default false): every button is disabled */
  busy?: boolean;
  onSubmit: (body: ActionBody) => Promise<unknown> | void;
}

type Sheet = { action: StaffAction } | null;

export function ActionBar({ actions, self, candidates = [], busy = false, onSubmit, choosePhotos, uploadPhoto }: ActionBarProps) {
  const [sheet, setSheet] = useState<Sheet>(null);
  const [text, setText] = useState('');
  const [assigneeId, setAssigneeId] = useState<string>(self.id);
  const [mergeInto, setMergeInto] = useState('');
  const photos = usePhotos({ choosePhotos, uploadPhoto });
  const inFlight = useRef(false);

  const known = ORDER.filter((a) => actions.includes(a));
  if (!known.length) return null;

  const submit = async (body: ActionBody) => {
    if (inFlight.current || busy) return;
    inFlight.current = true;
    try {
      await onSubmit(body);
      setSheet(null);
      setText('');
      photos.reset();
    } catch {
      // the page has told the person why; the sheet stays open with what they typed
    } finally {
      inFlight.current = false;
    }
  };

  const open = (action: StaffAction) => {
    if (NEEDS_REASON[action] || action === 'resolve' || action === 'dispatch' || action === 'merge') {
      setText('');
      setAssigneeId(self.id);
      setSheet({ action });
    } else {
      void submit({ action });
    }
  };

  const sheetBody = () => {
    if (!sheet) return null;
    const a = sheet.action;
    const reason = NEEDS_REASON[a];
    if (reason) {
      return (
        <>
          <Text className='sheet__title'>{reason.title}</Text>
          <View className='row gap' style={{ flexWrap: 'wrap', marginBottom: '8px' }}>
            {reason.quick.map((q) => (
              <Text key={q} className={`badge ${text === q ? 'badge--blue' : 'badge--grey'}`} style={{ padding: '4px 10px', fontSize: '13px' }} onClick={() => setText(q)}>
                {q}
              </Text>
            ))}
          </View>
          <Textarea className='textarea' value={text} placeholder={reason.placeholder} maxlength={500} onInput={(e) => setText(e.detail.value)} data-testid='action-reason' />
          <Button className={`btn btn--block mt12 ${DANGER.includes(a) ? 'btn--danger' : 'btn--primary'}`} disabled={disabledIf(!text.trim() || busy)} onClick={() => void submit({ action: a, reason: text.trim() })}>
            确认{ACTION_LABELS[a]}
          </Button>
        </>
      );
    }
    if (a === 'resolve') {
      const ready = text.trim() && photos.readyIds.length > 0 && !photos.uploading;
      return (
        <>
          <Text className='sheet__title'>办结：说明处理结果并上传处理后照片</Text>
          <Textarea className='textarea' value={text} placeholder='例如：已劝导住户将电动车移至集中充电点' maxlength={1000} onInput={(e) => setText(e.detail.value)} data-testid='resolve-note' />
          <Text className='field__label mt12'>处理后照片（至少 1 张）</Text>
          <PhotoPicker value={photos.items} max={9} onAdd={() => void photos.add()} onRemove={photos.remove} onRetry={photos.retry} />
          {!ready ? <Text className='muted block mt8'>{!text.trim() ? '请填写处理说明' : photos.uploading ? '照片上传中…' : '请上传处理后照片'}</Text> : null}
          <Button className='btn btn--primary btn--block mt12' disabled={disabledIf(!ready || busy)} onClick={() => void submit({ action: 'resolve', note: text.trim(), photos: photos.readyIds })}>
            确认办结
          </Button>
        </>
      );
    }
    if (a === 'dispatch') {
      const people = [{ ...self, name: `派给自己（${self.name}）` }, ...candidates.filter((c) => c.id !== self.id)];
      return (
        <>
          <Text className='sheet__title'>派单给</Text>
          {people.map((p) => {
            const duty = p.duty ? DUTY_LABELS[p.duty] : undefined;
            return (
              <View key={p.id} className={`option${assigneeId === p.id ? ' option--on' : ''}`} onClick={() => setAssigneeId(p.id)} data-testid='assignee-option'>
                <View className='row--between'>
                  <Text className='strong'>
                    {p.roleName ? <Text className='muted small'>{p.roleName} </Text> : null}
                    {p.name}
                  </Text>
                  {duty ? <Text className={`badge ${duty.badge}`}>{duty.text}</Text> : null}
                </View>
                {p.openTasks !== undefined ? (
                  <Text className='muted small block' data-testid='assignee-load'>
                    {p.openTasks ? `手上 ${p.openTasks} 件未办结` : '手上没有未办结任务'}
                  </Text>
                ) : null}
              </View>
            );
          })}
          <Button className='btn btn--primary btn--block mt12' disabled={disabledIf(!assigneeId || busy)} onClick={() => void submit({ action: 'dispatch', assigneeId })}>
            确认派单
          </Button>
        </>
      );
    }
    // merge
    return (
      <>
        <Text className='sheet__title'>合并到已有上报</Text>
        <Input className='input' value={mergeInto} placeholder='已有上报的编号' onInput={(e) => setMergeInto(e.detail.value)} />
        <Button className='btn btn--primary btn--block mt12' disabled={disabledIf(!mergeInto.trim() || busy)} onClick={() => void submit({ action: 'merge', mergeInto: mergeInto.trim() })}>
          确认合并
        </Button>
      </>
    );
  };

  return (
    <>
      <View className='footer-bar' data-testid='action-bar'>
        {known.map((a) => (
          <Button
            key={a}
            className={`btn ${PRIMARY.includes(a) ? 'btn--primary' : DANGER.includes(a) ? 'btn--danger' : ''}`}
            disabled={disabledIf(busy)}
            onClick={() => open(a)}
            data-action={a}
          >
            {ACTION_LABELS[a]}
          </Button>
        ))}
      </View>
      {sheet ? (
        <View className='sheet-mask' onClick={() => !busy && setSheet(null)}>
          <View className='sheet' onClick={(e) => e.stopPropagation()} data-testid='action-sheet'>
            {sheetBody()}
            <Button className='btn btn--block mt8' onClick={() => setSheet(null)} disabled={disabledIf(busy)}>
              取消
            </Button>
          </View>
        </View>
      ) : null}
    </>
  );
}
