/**
 * 请求协助 for anyone near: what help is needed (a few words), the skills it takes, how many
 * people. The nearest on-duty responders with those skills get the offer (3 within 500 m by
 * default; it widens by itself when nobody accepts). Props: `busy`, `onSubmit({need, skills, count})`.
 */
import { useState } from 'react';
import { View, Text, Button, Input } from '@tarojs/components';
import { checkbox, decorative, fieldLabel, role } from '../../lib/a11y';
import { disabledIf } from '../../lib/dom';
import { SKILLS, type Skill } from '../../lib/responders';
import { INLINE_BUTTON } from '../shared';

export interface AssistFormProps {
  busy?: boolean;
  onSubmit: (body: { need: string; skills: Skill[]; count: number }) => void;
}

const MAX_COUNT = 5;
const STEP_BUTTON = { ...INLINE_BUTTON, width: '44px', padding: 0 } as const;

export function AssistForm({ busy = false, onSubmit }: AssistFormProps) {
  const [need, setNeed] = useState('');
  const [skills, setSkills] = useState<Skill[]>([]);
  const [count, setCount] = useState(1);
  const toggle = (s: Skill) => setSkills((cur) => (cur.includes(s) ? cur.filter((x) => x !== s) : [...cur, s]));
  return (
    <View data-testid='assist-form'>
      <Text className='field__label'>需要什么帮助</Text>
      <Input className='input' value={need} maxlength={60} placeholder='例如：协助疏散楼道住户' {...fieldLabel('需要什么帮助（必填）')} onInput={(e) => setNeed(e.detail.value)} data-testid='assist-need' />
      <Text className='field__label mt12'>需要的技能（可不选）</Text>
      <View className='row gap' style={{ flexWrap: 'wrap' }} {...role('group', '需要的技能')}>
        {SKILLS.map((s) => (
          <View key={s} className={`option chip${skills.includes(s) ? ' option--on' : ''}`} {...checkbox(skills.includes(s))} onClick={() => toggle(s)} data-testid={`assist-skill-${s}`}>
            <Text>{s}</Text>
          </View>
        ))}
      </View>
      <View className='row--between mt12'>
        <Text className='field__label' style={{ marginBottom: 0 }}>
          需要人数
        </Text>
        <View className='row gap' {...role('group', '需要人数')}>
          <Button className='btn btn--small' style={STEP_BUTTON} disabled={disabledIf(count <= 1)} onClick={() => setCount(count - 1)} aria-label='减少一人'>
            <Text {...decorative}>−</Text>
          </Button>
          <Text className='strong' style={{ whiteSpace: 'nowrap', minWidth: '40px', textAlign: 'center' }} aria-live='polite' data-testid='assist-count'>
            {count} 人
          </Text>
          <Button className='btn btn--small' style={STEP_BUTTON} disabled={disabledIf(count >= MAX_COUNT)} onClick={() => setCount(count + 1)} aria-label='增加一人'>
            <Text {...decorative}>+</Text>
          </Button>
        </View>
      </View>
      <Text className='muted small block mt8'>发给附近在岗、具备所选技能的 3 名群防群治力量（500 米内），3 分钟无人接单会自动扩大范围。</Text>
      <Button className='btn btn--primary btn--block mt12' disabled={disabledIf(busy || !need.trim())} onClick={() => onSubmit({ need: need.trim(), skills, count })} data-testid='assist-submit'>
        {busy ? '正在发送…' : need.trim() ? '发送协助请求' : '请先写明需要什么帮助'}
      </Button>
    </View>
  );
}
