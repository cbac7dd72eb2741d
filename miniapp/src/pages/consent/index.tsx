/**
 * The privacy notice a resident accepts before the first report (PIPL). The accepted version is
 * the one the API says is current (GET /v1/me -> consent.current). In WeChat the phone number
 * is offered through WeChat's own phone-number button, never typed in.
 */
import { useState } from 'react';
import Taro, { useDidShow } from '@tarojs/taro';
import { View, Text, Button } from '@tarojs/components';
import { api, messageOf } from '../../lib/api';
import { PAGES, refreshMe, requireSession } from '../../lib/session';
import { ErrorState, Loading } from '../../components/StateView';
import type { Me } from '../../lib/types';
import { disabledIf } from '../../lib/dom';

const POINTS = [
  ['我们收集什么', '您上报的照片、位置、描述；登录用的微信标识；您同意时提供的手机号。'],
  ['用来做什么', '把隐患交给负责的网格员或社区民警处理，并告诉您处理进展、请您评价。'],
  ['谁能看到', '只有负责该区域的工作人员。他们看到的手机号是打码的（如 138****5678）；匿名上报时看不到您是谁。'],
  ['照片', '上传后会去掉拍摄地点、设备等隐藏信息，只通过短时有效的链接查看。'],
  ['您的权利', '您可以随时查看自己的上报，也可以注销账号；上报记录会去除身份后留存。'],
];

export default function Consent() {
  const [me, setMe] = useState<Me | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = () => {
    if (!requireSession()) return;
    setError(null);
    refreshMe().then(setMe, (e) => setError(messageOf(e)));
  };
  useDidShow(load);

  const accept = async () => {
    if (!me) return;
    setBusy(true);
    setError(null);
    try {
      await api.consent(me.consent.current);
      await refreshMe();
      void Taro.reLaunch({ url: PAGES.home });
    } catch (e) {
      setError(messageOf(e));
      setBusy(false);
    }
  };

  const onPhone = async (e: { detail: { code?: string } }) => {
    if (!e.detail.code) return;
    try {
      await api.phone(e.detail.code);
      void Taro.showToast({ title: '手机号已绑定', icon: 'success' });
      load();
    } catch (err) {
      void Taro.showToast({ title: messageOf(err), icon: 'none' });
    }
  };

  if (!me && error) return <ErrorState message={error} onRetry={load} />;
  if (!me) return <Loading />;

  return (
    <View className='page'>
      <Text className='h1 block'>上报前，请了解我们如何保护您的信息</Text>
      <Text className='muted block'>版本 {me.consent.current}</Text>
      <View className='card mt12'>
        {POINTS.map(([k, v]) => (
          <View key={k} style={{ marginBottom: '10px' }}>
            <Text className='strong block'>{k}</Text>
            <Text className='block'>{v}</Text>
          </View>
        ))}
      </View>
      {process.env.TARO_ENV === 'weapp' && !me.phoneBound ? (
        <View className='card'>
          <Text className='block'>留下手机号，方便工作人员在需要时联系您（选填）。</Text>
          <Button className='btn btn--ghost btn--block mt8' openType='getPhoneNumber' onGetPhoneNumber={(e) => void onPhone(e as never)}>
            使用微信绑定的手机号
          </Button>
        </View>
      ) : null}
      {error ? <Text className='danger-text block'>{error}</Text> : null}
      <View className='footer-bar'>
        <Button className='btn btn--primary' disabled={disabledIf(busy)} onClick={() => void accept()} data-testid='accept-consent'>
          {busy ? '正在保存…' : '同意并继续'}
        </Button>
      </View>
    </View>
  );
}
