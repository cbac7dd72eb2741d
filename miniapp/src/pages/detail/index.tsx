/**
 * A resident's view of one report: where it is, who holds it, what time to expect, every step,
 * the survey. It opens at its top, whatever the page before was scrolled to.
 */
import { useEffect, useState } from 'react';
import Taro, { useDidShow, usePullDownRefresh, useRouter } from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { api, messageOf } from '../../lib/api';
import { followed, seen } from '../../lib/storage';
import { requireSession } from '../../lib/session';
import { joinParts, SCORE_NAMES } from '../../lib/format';
import { ReportHeader } from '../../components/ReportHeader';
import { ExpectedTime } from '../../components/ExpectedTime';
import { Timeline } from '../../components/Timeline';
import { PhotoStrip } from '../../components/Photos';
import { RatingForm } from '../../components/RatingForm';
import { ErrorState, Loading } from '../../components/StateView';
import type { ReportView } from '../../lib/types';

const preview = (urls: string[], i: number) => void Taro.previewImage({ urls, current: urls[i] });

/** To the top of the page (h5: the page's own scroller and the window; weapp: pageScrollTo). */
function toTop() {
  if (process.env.TARO_ENV === 'h5' && typeof document !== 'undefined') {
    window.scrollTo(0, 0);
    document.querySelectorAll('.taro_page_show').forEach((el) => (el.scrollTop = 0));
    return;
  }
  void Taro.pageScrollTo({ scrollTop: 0, duration: 0 }).catch(() => undefined);
}

export default function Detail() {
  const { params } = useRouter();
  const id = params.id ?? '';
  const [r, setR] = useState<ReportView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [rating, setRating] = useState(false);
  /** a follower's own rating, just given (the view shows only the reporter's) */
  const [myRating, setMyRating] = useState<string | null>(null);

  useEffect(toTop, []);
  // once the report is on screen (the loading state was short): the top again
  useEffect(() => {
    if (r) toTop();
  }, [!!r]);

  const load = async () => {
    if (!requireSession()) return;
    setError(null);
    try {
      const v = await api.report(id);
      setR(v);
      seen.mark(v.id, v.status);
      if (v.following) followed.mark(v.id);
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
      if (v.following) setMyRating(score);
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
  const about = joinParts([r.following ? '您已加入跟进（我也遇到）' : null, r.anonymous ? '匿名上报' : null, r.followerCount > 0 ? `另有 ${r.followerCount} 人也遇到` : null]);
  return (
    <View className='page' data-testid='report-detail'>
      <ReportHeader r={r} />
      <ExpectedTime r={r} />
      {r.canRate ? <RatingForm busy={rating} reporter={!r.following} onSubmit={(s, c) => void rate(s, c)} /> : null}
      {myRating ? (
        <View className='notice notice--info' data-testid='my-rating'>
          <Text>
            您的评价：<Text className='strong'>{SCORE_NAMES[myRating] ?? myRating}</Text>，已记录。
          </Text>
        </View>
      ) : null}
      {r.rating ? (
        <View className='notice notice--info' data-testid='rating-done'>
          <Text>
            {r.following ? '上报人的评价：' : '评价：'}
            <Text className='strong'>{SCORE_NAMES[r.rating.score] ?? r.rating.score}</Text>
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
        {about ? (
          <Text className='muted small block mt8' data-testid='report-about'>
            {about}
          </Text>
        ) : null}
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
