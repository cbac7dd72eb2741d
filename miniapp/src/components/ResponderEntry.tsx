/**
 * 群防群治 on the resident home: a community responder's way to their assist offers (协助任务) and
 * points; a resident's application as it stands (审核中 / 未通过, with the reason); else the
 * invitation to apply (申请成为平安志愿者). Props: `me` (GET /v1/me, its `responder`).
 */
import Taro from '@tarojs/taro';
import { View, Text, Button } from '@tarojs/components';
import { PAGES } from '../lib/session';
import { role } from '../lib/a11y';
import type { Me } from '../lib/types';

export function ResponderEntry({ me }: { me: Pick<Me, 'role' | 'duty' | 'responder'> }) {
  const r = me.responder ?? null;
  const go = (url: string) => void Taro.navigateTo({ url });
  if (me.role === 'volunteer') {
    const onDuty = me.duty === 'on_duty';
    return (
      <View className='card' data-testid='responder-entry' data-state='volunteer'>
        <View className='row--between'>
          <View className='grow'>
            <Text className='strong block'>{r ? `${r.kindName} · ${r.communityName}` : '群防群治力量'}</Text>
            <Text className='muted small block'>{onDuty ? '在岗中：附近有需要时会通知您' : '未在岗：上岗后才会收到就近协助请求'}</Text>
          </View>
          <Text className={`badge ${onDuty ? 'badge--green' : 'badge--grey'}`}>{onDuty ? '在岗' : '未在岗'}</Text>
        </View>
        <View className='row gap mt12'>
          <Button className='btn btn--primary grow' onClick={() => go(PAGES.offers)} data-testid='assist-entry'>
            协助任务
          </Button>
          <Button className='btn btn--ghost grow' onClick={() => go(PAGES.points)} data-testid='points-entry'>
            我的积分
          </Button>
        </View>
      </View>
    );
  }
  if (r && r.status === 'pending') {
    return (
      <View className='notice notice--info' {...role('status')} data-testid='responder-entry' data-state='pending'>
        <Text className='strong block'>志愿者申请审核中</Text>
        <Text className='block'>
          {r.communityName} · {r.kindName}。社区审核通过后，您可以在这里接收就近协助请求。
        </Text>
      </View>
    );
  }
  if (r && r.status === 'declined') {
    return (
      <View className='notice notice--warn' data-testid='responder-entry' data-state='declined'>
        <Text className='strong block'>志愿者申请未通过</Text>
        {r.reason ? <Text className='block'>原因：{r.reason}</Text> : null}
        <Text className='link tap' {...role('link')} onClick={() => go(PAGES.apply)}>
          重新申请 ›
        </Text>
      </View>
    );
  }
  return (
    <View className='row--between card' {...role('link')} onClick={() => go(PAGES.apply)} data-testid='responder-entry' data-state='none'>
      <View className='grow'>
        <Text className='strong block'>申请成为平安志愿者</Text>
        <Text className='muted small block'>警力有限、民力无穷：就近协助，积分与志愿时长</Text>
      </View>
      <Text className='link'>›</Text>
    </View>
  );
}
