/**
 * Staff actions on a task: exactly the `availableActions` the API returned for this person now
 * (the transition table decides; the app never guesses). At most two buttons are in the bar — the
 * step that moves the task on (受理并接单, 派单, 开始处置, 办结, 核查通过 / 返工, 结案) — and the rare
 * ones (转交, 退回, 不予受理, 合并, 催办) wait under 更多. An action whose row requires more —
 * `requirementsOf` in the backend's lifecycle: a reason, a note, after-photos, an assignee, a
 * report to merge into — opens a sheet that asks for exactly that, with the category's canned
 * replies for this state one tap away; the rest are sent at once.
 */
import { useRef, useState } from 'react';
import { View, Text, Button, Textarea } from '@tarojs/components';
import { PhotoPicker } from './Photos';
import { MergePicker } from './MergePicker';
import { usePhotos, type PhotoDeps } from '../lib/usePhotos';
import type { ActionBody, DuplicateCandidate, StaffAction } from '../lib/types';
import { disabledIf } from '../lib/dom';
import { role } from '../lib/a11y';
import { ACTION_NAMES, STAFF_ACTIONS, requirementsOf, type Requirement } from '../../../functions/src/domain/lifecycle';

/** Button wording per action: the transition table's own names (the timeline uses the API's `actionName`). */
export const ACTION_LABELS = Object.fromEntries(STAFF_ACTIONS.map((a) => [a, ACTION_NAMES[a]])) as Record<StaffAction, string>;

/** What each action's command must bring, from the transition table. */
export const ACTION_NEEDS = Object.fromEntries(STAFF_ACTIONS.map((a) => [a, requirementsOf(a)])) as Record<StaffAction, readonly Requirement[]>;

const PRIMARY: StaffAction[] = ['take', 'accept', 'dispatch', 'start', 'resolve', 'verify', 'close'];
const DANGER: StaffAction[] = ['reject', 'rework', 'hand_back'];
const ORDER: StaffAction[] = ['take', 'accept', 'dispatch', 'start', 'resolve', 'verify', 'close', 'rework', 'transfer', 'hand_back', 'reject', 'merge', 'remind'];
/** Taken now and then, not on every task: always under 更多. */
const RARE: StaffAction[] = ['transfer', 'hand_back', 'reject', 'merge', 'remind'];
/** Buttons in the bar besides 更多. */
const MAX_IN_BAR = 2;

/** A canned reply of the report's category (GET /v1/categories `replies`). */
export interface Reply {
  text: string;
  field: 'note' | 'reason';
  /** report statuses where it applies; empty: any */
  states: readonly string[];
}

/** The replies for one field of a sheet in this state, in the category's order, then the action's own quick picks. */
export function repliesFor(replies: readonly Reply[], field: Reply['field'], status: string | undefined, quick: readonly string[] = []): string[] {
  const fitting = replies.filter((r) => r.field === field && (r.states.length === 0 || (status !== undefined && r.states.includes(status)))).map((r) => r.text);
  return [...new Set([...fitting, ...quick])];
}

/** A reply inserted into what is typed: the text alone, or after what is there (once). */
export function insertReply(current: string, text: string): string {
  const typed = current.trim();
  if (!typed) return text;
  if (typed.includes(text)) return current;
  return `${typed}${/[。；！？.!?;]$/.test(typed) ? '' : '；'}${text}`;
}

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
  /** the report's status now: which canned replies apply */
  status?: string;
  /** the category's canned replies (default none) */
  replies?: readonly Reply[];
  onSubmit: (body: ActionBody) => Promise<unknown> | void;
}

type Sheet = { action: StaffAction } | { more: true } | null;

const NO_DUPLICATES = async (): Promise<DuplicateCandidate[]> => [];

const NO_REPLIES: readonly Reply[] = [];

export function ActionBar({ actions, self, candidates = [], busy = false, loadDuplicates = NO_DUPLICATES, status, replies = NO_REPLIES, onSubmit, choosePhotos, uploadPhoto }: ActionBarProps) {
  const [sheet, setSheet] = useState<Sheet>(null);
  const [reason, setReason] = useState('');
  const [note, setNote] = useState('');
  const [assigneeId, setAssigneeId] = useState<string>(self.id);
  const [mergeInto, setMergeInto] = useState('');
  const photos = usePhotos({ choosePhotos, uploadPhoto });
  const inFlight = useRef(false);

  const known = ORDER.filter((a) => actions.includes(a));
  if (!known.length) return null;
  const main = known.filter((a) => !RARE.includes(a));
  // nothing but one rare action: it is the bar (a menu of one would only hide it)
  const inBar = main.length ? main.slice(0, MAX_IN_BAR) : known.length === 1 ? known : [];
  const more = known.filter((a) => !inBar.includes(a));
  // next to 受理并接单, plain 受理 leaves the dispatch for later
  const label = (a: StaffAction) => (a === 'accept' && known.includes('take') ? '仅受理' : ACTION_LABELS[a]);

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
            <Chips texts={repliesFor(replies, 'reason', status, wording.quick)} value={reason} onPick={(t) => setReason((cur) => insertReply(cur, t))} />
            <Textarea className='textarea' value={reason} placeholder={wording.placeholder ?? ''} maxlength={500} onInput={(e) => setReason(e.detail.value)} data-testid='action-reason' />
          </View>
        );
      case 'note':
        return (
          <View key={need}>
            <Chips texts={repliesFor(replies, 'note', status)} value={note} onPick={(t) => setNote((cur) => insertReply(cur, t))} />
            <Textarea className='textarea' value={note} placeholder={wording.placeholder ?? ''} maxlength={1000} onInput={(e) => setNote(e.detail.value)} data-testid={`${a}-note`} />
          </View>
        );
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
    if ('more' in sheet) {
      return (
        <>
          <Text className='sheet__title'>更多操作</Text>
          <View data-testid='more-actions'>
            {more.map((a) => (
              <Button key={a} className={`btn btn--block mt8 ${DANGER.includes(a) ? 'btn--danger' : ''}`} disabled={disabledIf(busy)} onClick={() => open(a)} data-action={a}>
                {label(a)}
              </Button>
            ))}
          </View>
        </>
      );
    }
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
        {inBar.map((a, i) => (
          <Button
            key={a}
            // one filled button: the step that moves the task on; the second is outlined
            className={`btn ${i === 0 && PRIMARY.includes(a) ? 'btn--primary' : DANGER.includes(a) ? 'btn--danger' : ''}`}
            disabled={disabledIf(busy)}
            onClick={() => open(a)}
            data-action={a}
          >
            {label(a)}
          </Button>
        ))}
        {more.length ? (
          <Button className='btn' style={inBar.length ? { flex: '0 0 auto', width: 'auto', minWidth: '72px' } : undefined} disabled={disabledIf(busy)} onClick={() => setSheet({ more: true })} data-testid='more'>
            更多
          </Button>
        ) : null}
      </View>
      {sheet ? (
        <View className='sheet-mask' onClick={() => !busy && setSheet(null)}>
          <View className='sheet' onClick={(e) => e.stopPropagation()} data-testid={'more' in sheet ? 'more-sheet' : 'action-sheet'}>
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

/** Canned replies as chips: a tap puts the text into the field (the chip of a reply already in it is marked). */
function Chips({ texts, value, onPick }: { texts: readonly string[]; value: string; onPick: (text: string) => void }) {
  if (!texts.length) return null;
  return (
    <View className='row gap' style={{ flexWrap: 'wrap', marginBottom: '8px' }} data-testid='replies'>
      {texts.map((t) => (
        <Text key={t} className={`badge ${value.includes(t) ? 'badge--blue' : 'badge--grey'}`} style={{ display: 'inline-flex', alignItems: 'center', minHeight: '44px', padding: '0 12px', borderRadius: '22px', fontSize: '14px', whiteSpace: 'normal', lineHeight: '18px', boxSizing: 'border-box' }} onClick={() => onPick(t)} data-testid='reply' {...role('button', `插入：${t}`)}>
          {t}
        </Text>
      ))}
    </View>
  );
}
