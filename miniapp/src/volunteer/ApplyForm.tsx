/**
 * The application to be a community responder: which community, as what (平安志愿者 / 保安员 /
 * 物业), with which skills, the name the community's records (and, opted in, its leaderboard)
 * show, a note, and the leaderboard choice. Props: `communities` (GET /v1/areas?level=community),
 * `defaultName`, `busy`, `onSubmit(body)`.
 */
import { useState } from 'react';
import { View, Text, Button, Input, Textarea, Switch } from '@tarojs/components';
import { checkbox, fieldLabel, radio, role } from '../lib/a11y';
import { disabledIf } from '../lib/dom';
import { KIND_NAMES, RESPONDER_KINDS, SKILLS, type ApplyBody, type ResponderKind, type Skill } from '../lib/responders';
import type { AreaItem } from '../lib/types';

export interface ApplyFormProps {
  communities: readonly AreaItem[];
  defaultName?: string;
  busy?: boolean;
  onSubmit: (body: ApplyBody) => void;
}

const KIND_NOTES: Record<ResponderKind, string> = {
  volunteer: '社区居民，就近协助巡查、劝导、疏散',
  guard: '小区或单位的保安员',
  property: '物业公司工作人员',
};

/** What still stops the application, in words (null: it can be sent). */
export function missingOf(v: { communityId: string | null; name: string }): string | null {
  if (!v.communityId) return '请选择社区';
  if (!v.name.trim()) return '请填写姓名';
  return null;
}

export function ApplyForm({ communities, defaultName = '', busy = false, onSubmit }: ApplyFormProps) {
  const [communityId, setCommunityId] = useState<string | null>(communities.length === 1 ? communities[0]!.id : null);
  const [kind, setKind] = useState<ResponderKind>('volunteer');
  const [skills, setSkills] = useState<Skill[]>([]);
  const [name, setName] = useState(defaultName);
  const [note, setNote] = useState('');
  const [leaderboard, setLeaderboard] = useState(true);
  const missing = missingOf({ communityId, name });
  const toggle = (s: Skill) => setSkills((cur) => (cur.includes(s) ? cur.filter((x) => x !== s) : [...cur, s]));
  const send = () => {
    if (missing || !communityId) return;
    onSubmit({ communityId, kind, skills, name: name.trim(), ...(note.trim() ? { note: note.trim() } : {}), leaderboard });
  };
  return (
    <View data-testid='apply-form'>
      <View className='field'>
        <Text className='field__label' id='apply-community'>
          社区<Text className='req'>*</Text>
        </Text>
        <View {...role('radiogroup', '社区')}>
          {communities.map((c) => (
            <View key={c.id} className={`option${communityId === c.id ? ' option--on' : ''}`} {...radio(communityId === c.id)} onClick={() => setCommunityId(c.id)} data-testid={`community-${c.id}`}>
              <Text>{c.name}</Text>
            </View>
          ))}
        </View>
      </View>
      <View className='field'>
        <Text className='field__label'>身份</Text>
        <View {...role('radiogroup', '身份')}>
          {RESPONDER_KINDS.map((k) => (
            <View key={k} className={`option${kind === k ? ' option--on' : ''}`} {...radio(kind === k)} onClick={() => setKind(k)} data-testid={`kind-${k}`}>
              <Text className='strong block'>{KIND_NAMES[k]}</Text>
              <Text className='muted small'>{KIND_NOTES[k]}</Text>
            </View>
          ))}
        </View>
      </View>
      <View className='field'>
        <Text className='field__label'>擅长（可多选）</Text>
        <View className='row gap' style={{ flexWrap: 'wrap' }} {...role('group', '擅长（可多选）')}>
          {SKILLS.map((s) => (
            <View key={s} className={`option chip${skills.includes(s) ? ' option--on' : ''}`} {...checkbox(skills.includes(s))} onClick={() => toggle(s)} data-testid={`skill-${s}`}>
              <Text>{s}</Text>
            </View>
          ))}
        </View>
      </View>
      <View className='field'>
        <Text className='field__label'>
          姓名<Text className='req'>*</Text>
        </Text>
        <Input className='input' value={name} maxlength={20} placeholder='社区登记和排行榜显示的名字' {...fieldLabel('姓名（必填）')} onInput={(e) => setName(e.detail.value)} data-testid='apply-name' />
        <Text className='field__label mt12'>补充说明（选填）</Text>
        <Textarea className='textarea' value={note} maxlength={200} placeholder='例如：住在 3 栋，晚上有空' {...fieldLabel('补充说明（选填）')} onInput={(e) => setNote(e.detail.value)} data-testid='apply-note' />
      </View>
      <View className='field switch-row'>
        <View className='grow'>
          <Text className='strong block'>在社区排行榜上显示我的名字</Text>
          <Text className='muted small block'>不同意则不上榜，积分照常累计</Text>
        </View>
        <Switch checked={leaderboard} color='#1f6feb' {...fieldLabel('在社区排行榜上显示我的名字')} onChange={(e) => setLeaderboard(!!e.detail.value)} data-testid='apply-leaderboard' />
      </View>
      <View className='notice notice--info'>
        <Text>通过后：上岗期间共享位置（仅用于就近派单，15 分钟自动失效，下岗即删除）；您看不到上报人的姓名和电话。</Text>
      </View>
      <Button className='btn btn--primary btn--block' disabled={disabledIf(!!missing || busy)} onClick={send} data-testid='apply-submit'>
        {busy ? '正在提交…' : (missing ?? '提交申请')}
      </Button>
    </View>
  );
}
