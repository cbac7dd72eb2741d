/**
 * Sign in. WeChat: one tap (Taro.login -> POST /v1/auth/wechat); a new WeChat user is a
 * resident. H5 on the local stack: pick one of the seeded demo users (POST /v1/auth/dev).
 * After an expired session it says 登录已过期 and, once the same person signs in again, returns
 * to the page they were on (lib/api.ts sessionEnded, lib/session.ts landingOf).
 */
import { useEffect, useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { View, Text, Button } from '@tarojs/components';
import { api, EXPIRED_MESSAGE, messageOf } from '../../lib/api';
import { landingOf, signIn } from '../../lib/session';
import { storage } from '../../lib/storage';
import { ROLE_NAMES } from '../../lib/format';
import { role } from '../../lib/a11y';
import { ErrorState, Loading } from '../../components/StateView';
import type { DevUser, Me } from '../../lib/types';
import { disabledIf } from '../../lib/dom';

const ROLE_ORDER = ['resident', 'volunteer', 'grid_worker', 'grid_leader', 'police_officer', 'dispatcher', 'admin'];

function go(me: Me) {
  void Taro.reLaunch({ url: landingOf(me) });
}

const LEFT: Record<string, string> = {
  declined: '您没有同意隐私政策，刚才的账号已删除，没有保留您的信息。',
  deleted: '账号已注销。您的上报已去除身份后保留。',
};

function WechatLogin() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const login = async () => {
    setBusy(true);
    setError(null);
    try {
      const { code } = await Taro.login();
      const t = await api.wechatLogin(code);
      go(await signIn(t.token, t.refreshToken));
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <View>
      <Button className='btn btn--primary btn--block' disabled={disabledIf(busy)} onClick={() => void login()}>
        {busy ? '正在登录…' : '微信一键登录'}
      </Button>
      {error ? <Text className='danger-text block mt8'>{error}</Text> : null}
    </View>
  );
}

function DevPicker() {
  const [users, setUsers] = useState<DevUser[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const load = () => {
    setError(null);
    api.devUsers().then((r) => setUsers(r.items), (e) => setError(messageOf(e)));
  };
  useEffect(load, []);
  const pick = async (u: DevUser) => {
    setBusy(u.id);
    setError(null);
    try {
      const t = await api.devLogin(u.id);
      go(await signIn(t.token, t.refreshToken));
    } catch (e) {
      setError(messageOf(e));
      setBusy(null);
    }
  };
  if (error && !users) return <ErrorState message={error} onRetry={load} />;
  if (!users) return <Loading text='正在读取演示账号…' />;
  const groups = ROLE_ORDER.map((role) => ({ role, users: users.filter((u) => u.role === role) })).filter((g) => g.users.length);
  return (
    <View data-testid='dev-users'>
      <View className='notice notice--info'>
        <Text>本地演示环境：选择一个账号登录。居民可以上报，群防群治力量接单协助，网格员处理任务，网格长核查结案，指挥中心查看统计。</Text>
      </View>
      {error ? <Text className='danger-text block'>{error}</Text> : null}
      {groups.map((g) => (
        <View key={g.role}>
          <Text className='h2'>{ROLE_NAMES[g.role] ?? g.role}</Text>
          <View className='card' style={{ padding: '4px 14px' }}>
            {g.users.map((u, i) => (
              <View key={u.id}>
                {i ? <View className='divider' style={{ margin: 0 }} /> : null}
                <View className='row--between' style={{ padding: '10px 0', minHeight: '44px' }} {...role('button')} onClick={() => !busy && void pick(u)} data-testid={`user-${u.id}`}>
                  <View className='grow'>
                    <Text className='strong block'>{u.name}</Text>
                    <Text className='muted small'>{u.id}</Text>
                  </View>
                  <Text className='link'>{busy === u.id ? '登录中…' : '登录 ›'}</Text>
                </View>
              </View>
            ))}
          </View>
        </View>
      ))}
    </View>
  );
}

export default function Login() {
  const { params } = useRouter();
  // read once: signing in clears it
  const [expired] = useState(() => !!storage.returnTo()?.expired);
  const left = params.left ? LEFT[params.left] : undefined;
  return (
    <View className='page'>
      <View style={{ textAlign: 'center', margin: '24px 0 20px' }}>
        <Text className='h1 block'>微事报</Text>
        <Text className='muted'>身边的安全隐患，随手上报，全程可查</Text>
      </View>
      {expired ? (
        <View className='notice notice--warn' {...role('alert')} data-testid='session-expired'>
          <Text className='strong block'>{EXPIRED_MESSAGE}</Text>
          <Text className='block'>重新登录后会回到您刚才的页面。</Text>
        </View>
      ) : null}
      {left ? (
        <View className='notice notice--info' {...role('status')} data-testid='left-notice'>
          <Text>{left}</Text>
        </View>
      ) : null}
      {process.env.TARO_ENV === 'weapp' ? <WechatLogin /> : <DevPicker />}
    </View>
  );
}
