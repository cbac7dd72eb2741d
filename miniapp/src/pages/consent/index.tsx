/**
 * The privacy notice a resident accepts before the first report (PIPL), with the full policy one
 * tap away (lib/policy.ts). The accepted version is the one the API says is current (GET /v1/me
 * -> consent.current). 不同意 leaves without an account: the one just made at sign-in is deleted
 * (DELETE /v1/me). A resident who has accepted comes here from home (`?policy=1`) to read the
 * policy again or delete their account (注销). In WeChat the phone number is offered through
 * WeChat's own phone-number button, never typed in.
 */
import { useState } from 'react';
import Taro, { useDidShow, useRouter } from '@tarojs/taro';
import { View, Text, Button } from '@tarojs/components';
import { api, messageOf } from '../../lib/api';
import { PAGES, refreshMe, requireSession } from '../../lib/session';
import { storage } from '../../lib/storage';
import { policyFor, policySummaryFor, POLICY_TITLE } from '../../lib/policy';
import { heading, role } from '../../lib/a11y';
import { ErrorState, Loading } from '../../components/StateView';
import { Dialog } from '../../components/Dialog';
import type { Me } from '../../lib/types';
import { disabledIf } from '../../lib/dom';

/** Why the login page is shown after leaving here (it says so). */
export type Left = 'declined' | 'deleted';

export default function Consent() {
  const { params } = useRouter();
  const [me, setMe] = useState<Me | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [full, setFull] = useState(params.policy === '1');
  const [asking, setAsking] = useState<Left | null>(null);

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

  /** 不同意 / 注销账号: the account goes, and so does everything this device kept of it. */
  const leave = async (why: Left) => {
    setBusy(true);
    setError(null);
    try {
      await api.deleteMe();
      storage.clearSession();
      storage.setDraft(null);
      storage.setReturnTo(null);
      void Taro.reLaunch({ url: `${PAGES.login}?left=${why}` });
    } catch (e) {
      setAsking(null);
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
  const required = me.consent.required;

  return (
    <View className='page'>
      <Text className='h1 block'>{required ? '上报前，请了解我们如何保护您的信息' : POLICY_TITLE}</Text>
      <Text className='muted block'>
        版本 {me.consent.current}
        {me.consent.accepted ? `（您已同意 ${me.consent.accepted} 版）` : ''}
      </Text>
      <View className='card mt12' data-testid='policy-summary'>
        {policySummaryFor(me.consent.retentionDays).map(([k, v]) => (
          <View key={k} style={{ marginBottom: '10px' }}>
            <Text className='strong block'>{k}</Text>
            <Text className='block'>{v}</Text>
          </View>
        ))}
        <Button className='btn btn--ghost btn--block' aria-expanded={full ? 'true' : 'false'} onClick={() => setFull((f) => !f)} data-testid='policy-toggle'>
          {full ? '收起完整隐私政策' : '查看完整隐私政策'}
        </Button>
      </View>

      {full ? (
        <View className='card' {...role('region', POLICY_TITLE)} data-testid='privacy-policy'>
          <Text className='h2' style={{ margin: '0 0 4px' }} {...heading(2)}>
            {POLICY_TITLE}
          </Text>
          {policyFor(me.consent.retentionDays).map((sec) => (
            <View key={sec.title}>
              <Text className='policy__h' {...heading(3)}>
                {sec.title}
              </Text>
              {sec.paragraphs.map((p) => (
                <Text key={p} className='policy__p'>
                  {p}
                </Text>
              ))}
            </View>
          ))}
        </View>
      ) : null}

      {process.env.TARO_ENV === 'weapp' && !me.phoneBound ? (
        <View className='card'>
          <Text className='block'>留下手机号，方便工作人员在需要时联系您（选填）。</Text>
          <Button className='btn btn--ghost btn--block mt8' openType='getPhoneNumber' onGetPhoneNumber={(e) => void onPhone(e as never)}>
            使用微信绑定的手机号
          </Button>
        </View>
      ) : null}
      {error ? (
        <Text className='danger-text block' {...role('alert')}>
          {error}
        </Text>
      ) : null}

      <View className='footer-bar'>
        {required ? (
          <>
            <Button className='btn' disabled={disabledIf(busy)} onClick={() => setAsking('declined')} data-testid='decline-consent'>
              不同意
            </Button>
            <Button className='btn btn--primary' disabled={disabledIf(busy)} onClick={() => void accept()} data-testid='accept-consent'>
              {busy ? '正在保存…' : '同意并继续'}
            </Button>
          </>
        ) : (
          <>
            <Button className='btn btn--danger' disabled={disabledIf(busy)} onClick={() => setAsking('deleted')} data-testid='delete-account'>
              注销账号
            </Button>
            <Button className='btn btn--primary' onClick={() => void Taro.reLaunch({ url: PAGES.home })}>
              返回首页
            </Button>
          </>
        )}
      </View>

      {asking === 'declined' ? (
        <Dialog
          title='不同意隐私政策？'
          testId='decline-dialog'
          actions={[
            { label: '再看看', onTap: () => setAsking(null), testId: 'decline-cancel' },
            { label: busy ? '正在退出…' : '不同意并退出', tone: 'danger', disabled: busy, onTap: () => void leave('declined'), testId: 'decline-confirm' },
          ]}
        >
          <Text className='block'>不同意就不能用微事报上报隐患。我们会删除刚刚为您创建的账号，不保留您的任何信息。</Text>
          <Text className='block mt8'>紧急情况请直接拨打 119 / 110。</Text>
        </Dialog>
      ) : null}
      {asking === 'deleted' ? (
        <Dialog
          title='注销账号？'
          testId='delete-dialog'
          actions={[
            { label: '取消', onTap: () => setAsking(null), testId: 'delete-cancel' },
            { label: busy ? '正在注销…' : '确认注销', tone: 'danger', disabled: busy, onTap: () => void leave('deleted'), testId: 'delete-confirm' },
          ]}
        >
          <Text className='block'>注销后我们删除您的手机号和微信标识，您将不能再查看或评价自己的上报；上报记录去除身份后保留，用于城市安全管理。</Text>
        </Dialog>
      ) : null}
    </View>
  );
}
