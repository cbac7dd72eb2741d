/** A resident's view of one report: where it is, who holds it, the deadlines, every step, the survey. */
import { useState } from 'react';
import Taro, { useDidShow, usePullDownRefresh, useRouter } from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { api, messageOf } from '../../lib/api';
import { seen } from '../../lib/storage';
import { requireSession } from '../../lib/session';
import { SCORE_NAMES } from '../../lib/format';
import { ReportHeader } from '../../components/ReportHeader';
import { Timeline } from '../../components/Timeline';
import { PhotoStrip } from '../../components/Photos';
import { RatingForm } from '../../components/RatingForm';
import { ErrorState, Loading } from '../../components/StateView';
import type { ReportView } from '../../lib/types';

const preview = (urls: string[], i: number) => void Taro.previewImage({ urls, current: urls[i] });

export default function Detail() {
  const { params } = useRouter();
  const id = params.id ?? '';
  const [r, setR] = useState<ReportView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [rating, setRating] = useState(false);

  const load = async () => {
    if (!requireSession()) return;
    setError(null);
    try {
      const v = await api.report(id);
      setR(v);
      seen.mark(v.id, v.status);
    } catch (e) {
      setError(messageOf(e));
    }
  };
  useDidShow(() => void load());
  usePullDownRefresh(() => void load().finally(() => Taro.stopPullDownRefresh()));

  const rate = async (score: string, comment: string) => {
    setRating(true);
    try {
      const v = await api.rate(id, score, comment || undefined);
      setR(v);
      seen.mark(v.id, v.status);
      void Taro.showToast({ title: '感谢您的评价', icon: 'success' });
    } catch (e) {
      void Taro.showToast({ title: messageOf(e), icon: 'none', duration: 3000 });
    } finally {
      setRating(false);
    }
  };

  if (error && !r) return <ErrorState message={error} onRetry={() => void load()} />;
  if (!r) return <Loading />;

  const reportPhotos = r.photos.filter((p) => p.kind === 'report');
  return (
    <View className='page' data-testid='report-detail'>
      <ReportHeader r={r} />
      {r.canRate ? <RatingForm busy={rating} onSubmit={(s, c) => void rate(s, c)} /> : null}
      {r.rating ? (
        <View className='notice notice--info' data-testid='rating-done'>
          <Text>
            评价：<Text className='strong'>{SCORE_NAMES[r.rating.score] ?? r.rating.score}</Text>
            {r.rating.comment ? `（${r.rating.comment}）` : ''}
          </Text>
        </View>
      ) : null}
      <View className='card'>
        <Text className='strong block'>问题描述</Text>
        <Text className='block mt8'>{r.description}</Text>
        {reportPhotos.length ? (
          <View className='mt12'>
            <PhotoStrip photos={reportPhotos} onPreview={preview} />
          </View>
        ) : null}
        <Text className='muted small block mt8'>
          {r.anonymous ? '匿名上报 · ' : ''}
          {r.followerCount > 0 ? `另有 ${r.followerCount} 人也遇到` : ''}
          {r.following ? '（您已加入跟进）' : ''}
        </Text>
      </View>
      <View className='card'>
        <Text className='strong block' style={{ marginBottom: '10px' }}>
          处理进展
        </Text>
        <Timeline entries={r.timeline} photos={r.photos} onPreview={preview} />
      </View>
    </View>
  );
}
