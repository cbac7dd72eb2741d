/**
 * Staff actions on a task: exactly the `availableActions` the API returned for this person now
 * (the transition table decides; the app never guesses). An action whose row requires more —
 * `requirementsOf` in the backend's lifecycle: a reason, a note, after-photos, an assignee, a
 * report to merge into — opens a sheet that asks for exactly that; the rest are sent at once.
 */
import { useRef, useState } from 'react';
import { View, Text, Button, Textarea } from '@tarojs/components';
import { PhotoPicker } from './Photos';
import { MergePicker } from './MergePicker';
import { usePhotos, type PhotoDeps } from '../lib/usePhotos';
import type { ActionBody, DuplicateCandidate, StaffAction } from '../lib/types';
import { disabledIf } from '../lib/dom';
import { ACTION_NAMES, STAFF_ACTIONS, requirementsOf, type Requirement } from '../../../functions/src/domain/lifecycle';

/** Button wording per action: the transition table's own names (the timeline uses the API's `actionName`). */
export const ACTION_LABELS = Object.fromEntries(STAFF_ACTIONS.map((a) => [a, ACTION_NAMES[a]])) as Record<StaffAction, string>;

/** What each action's command must bring, from the transition table. */
export const ACTION_NEEDS = Object.fromEntries(STAFF_ACTIONS.map((a) => [a, requirementsOf(a)])) as Record<StaffAction, readonly Requirement[]>;

const PRIMARY: StaffAction[] = ['accept', 'dispatch', 'start', 'resolve', 'verify', 'close'];
const DANGER: StaffAction[] = ['reject', 'rework', 'hand_back'];
const ORDER: StaffAction[] = ['accept', 'dispatch', 'start', 'resolve', 'verify', 'close', 'rework', 'transfer', 'hand_back', 'reject', 'merge', 'remind'];

/**
 * How the sheet asks (the table says what; this only words it). Defaults: the title is the
 * action's name (`<name>的原因` when it asks for a reason), no quick picks, no placeholder.
 */
const WORDING: Partial<Record<StaffAction, { title?: string; placeholder?: string; quick?: string[] }>> = {
  reject: { title: '不予受理的原因', placeholder: '请说明原因，居民会看到', quick: ['不属于安全隐患', '信息不足，无法核实', '重复上报'] },
  hand_back: { title: '退回的原因', placeholder: '例如：不在本网格', quick: ['不在本网格', '不属于本人职责'] },
  transfer: { title: '转交的原因', placeholder: '例如：属于治安问题，转民警处理', quick: ['属于治安问题，转民警处理', '属于网格事务，转网格员处理'] },
  rework: { title: '返工的原因', placeholder: '请说明哪里没有处理好', quick: ['现场仍有隐患', '照片不能说明已处理'] },
  resolve: { title: '办结：说明处理结果并上传处理后照片', placeholder: '例如：已劝导住户将电动车移至集中充电点' },
  dispatch: { title: '派单给' },
  merge: { title: '合并到已有上报（选择同一个问题）' },
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
  /** the merge candidates (GET /v1/reports/{id}/duplicates), asked for when the merge sheet opens */
  loadDuplicates?: () => Promise<DuplicateCandidate[]>;
  onSubmit: (body: ActionBody) => Promise<unknown> | void;
}

type Sheet = { action: StaffAction } | null;

const NO_DUPLICATES = async (): Promise<DuplicateCandidate[]> => [];

export function ActionBar({ actions, self, candidates = [], busy = false, loadDuplicates = NO_DUPLICATES, onSubmit, choosePhotos, uploadPhoto }: ActionBarProps) {
  const [sheet, setSheet] = useState<Sheet>(null);
  const [reason, setReason] = useState('');
  const [note, setNote] = useState('');
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
      setReason('');
      setNote('');
      setMergeInto('');
      photos.reset();
    } catch {
      // the page has told the person why; the sheet stays open with what they typed
    } finally {
      inFlight.current = false;
    }
  };

  const open = (action: StaffAction) => {
    if (ACTION_NEEDS[action].length > 0) {
      setReason('');
      setNote('');
      setAssigneeId(self.id);
      setMergeInto('');
      setSheet({ action });
    } else {
      void submit({ action });
    }
  };

  /** Why the confirm button is off: the first requirement not met yet (null: ready). */
  const unmet = (needs: readonly Requirement[]): string | null => {
    for (const need of needs) {
      if (need === 'reason' && !reason.trim()) return '请填写原因';
      if (need === 'note' && !note.trim()) return '请填写处理说明';
      if (need === 'photos' && photos.uploading) return '照片上传中…';
      if (need === 'photos' && photos.readyIds.length === 0) return '请上传处理后照片';
      if (need === 'assigneeId' && !assigneeId) return '请选择派单对象';
      if (need === 'mergeInto' && !mergeInto.trim()) return '请选择要合并到的上报';
    }
    return null;
  };

  const bodyOf = (action: StaffAction, needs: readonly Requirement[]): ActionBody => ({
    action,
    ...(needs.includes('reason') ? { reason: reason.trim() } : {}),
    ...(needs.includes('note') ? { note: note.trim() } : {}),
    ...(needs.includes('photos') ? { photos: photos.readyIds } : {}),
    ...(needs.includes('assigneeId') ? { assigneeId } : {}),
    ...(needs.includes('mergeInto') ? { mergeInto: mergeInto.trim() } : {}),
  });

  const field = (a: StaffAction, need: Requirement) => {
    const wording = WORDING[a] ?? {};
    switch (need) {
      case 'reason':
        return (
          <View key={need}>
            {wording.quick ? (
              <View className='row gap' style={{ flexWrap: 'wrap', marginBottom: '8px' }}>
                {wording.quick.map((q) => (
                  <Text key={q} className={`badge ${reason === q ? 'badge--blue' : 'badge--grey'}`} style={{ padding: '4px 10px', fontSize: '13px' }} onClick={() => setReason(q)}>
                    {q}
                  </Text>
                ))}
              </View>
            ) : null}
            <Textarea className='textarea' value={reason} placeholder={wording.placeholder ?? ''} maxlength={500} onInput={(e) => setReason(e.detail.value)} data-testid='action-reason' />
          </View>
        );
      case 'note':
        return <Textarea key={need} className='textarea' value={note} placeholder={wording.placeholder ?? ''} maxlength={1000} onInput={(e) => setNote(e.detail.value)} data-testid={`${a}-note`} />;
      case 'photos':
        return (
          <View key={need}>
            <Text className='field__label mt12'>处理后照片（至少 1 张）</Text>
            <PhotoPicker value={photos.items} max={9} onAdd={() => void photos.add()} onRemove={photos.remove} onRetry={photos.retry} />
          </View>
        );
      case 'assigneeId': {
        const people = [{ ...self, name: `派给自己（${self.name}）` }, ...candidates.filter((c) => c.id !== self.id)];
        return (
          <View key={need}>
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
          </View>
        );
      }
      case 'mergeInto':
        return <MergePicker key={need} load={loadDuplicates} value={mergeInto} onChange={setMergeInto} />;
    }
  };

  const sheetBody = () => {
    if (!sheet) return null;
    const a = sheet.action;
    const needs = ACTION_NEEDS[a];
    const waiting = unmet(needs);
    // the note, photos and merge target say what is missing; a reason or a person speak for themselves
    const hint = waiting && (needs.includes('note') || needs.includes('photos') || needs.includes('mergeInto')) ? waiting : null;
    const title = WORDING[a]?.title ?? (needs.includes('reason') ? `${ACTION_LABELS[a]}的原因` : ACTION_LABELS[a]);
    return (
      <>
        <Text className='sheet__title'>{title}</Text>
        {needs.map((need) => field(a, need))}
        {hint ? <Text className='muted block mt8'>{hint}</Text> : null}
        <Button className={`btn btn--block mt12 ${DANGER.includes(a) ? 'btn--danger' : 'btn--primary'}`} disabled={disabledIf(!!waiting || busy)} onClick={() => void submit(bodyOf(a, needs))}>
          确认{ACTION_LABELS[a]}
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
