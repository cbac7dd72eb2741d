/**
 * One assist offer as its responder sees it: what help is needed, the kind of hazard, the place
 * (building level), how far, who asks — never who reported — and the photos the requester chose
 * to share. What can be done with it now is one tap: 接单 / 婉拒 while offered, 到场 (sends the
 * position now) once accepted, 完成 once there; an ended offer says how it ended and its rating.
 */
import Taro from '@tarojs/taro';
import { View, Text, Button } from '@tarojs/components';
import { formatTime, joinParts } from '../lib/format';
import { disabledIf } from '../lib/dom';
import { heading } from '../lib/a11y';
import { PhotoStrip } from '../components/Photos';
import { distanceText, OFFER_STATE_NAMES, type Offer } from '../lib/responders';
import { Stars } from '../components/Stars';
import type { Photo } from '../lib/types';

export interface OfferCardProps {
  offer: Offer;
  /** an action on this offer is being sent (its buttons wait) */
  busy?: boolean;
  onAccept?: (o: Offer) => void;
  onDecline?: (o: Offer) => void;
  onArrive?: (o: Offer) => void;
  onDone?: (o: Offer) => void;
}

const TONE: Record<Offer['state'], string> = {
  offered: 'badge--orange',
  accepted: 'badge--blue',
  arrived: 'badge--blue',
  done: 'badge--green',
  rated: 'badge--green',
  declined: 'badge--grey',
  taken: 'badge--grey',
  expired: 'badge--grey',
};

const preview = (urls: string[], i: number) => void Taro.previewImage({ urls, current: urls[i] });

export function OfferCard({ offer: o, busy = false, onAccept, onDecline, onArrive, onDone }: OfferCardProps) {
  const photos = o.photos.map((p, i) => ({ id: p.id ?? `${o.id}-${i}`, url: p.url, thumbUrl: p.thumbUrl, kind: 'report' as const })) as unknown as Photo[];
  const openMap = () =>
    void Taro.openLocation({ latitude: o.location.lat, longitude: o.location.lng, name: o.placeLabel, address: o.placeLabel, scale: 18 }).catch(() => undefined);
  const when =
    o.state === 'offered'
      ? `${formatTime(o.offeredAt)} 发出`
      : o.doneAt
        ? `${formatTime(o.doneAt)} 完成`
        : o.arrivedAt
          ? `${formatTime(o.arrivedAt)} 到场`
          : o.acceptedAt
            ? `${formatTime(o.acceptedAt)} 接单`
            : formatTime(o.offeredAt);
  return (
    <View className='card' data-testid='offer-card' data-state={o.state} data-assist={o.id}>
      <View className='row--between' style={{ gap: '8px', alignItems: 'flex-start' }}>
        <Text className='report-row__title grow' {...heading(3)}>
          {o.need}
        </Text>
        <Text className={`badge ${TONE[o.state]}`}>{OFFER_STATE_NAMES[o.state]}</Text>
      </View>
      <View className='kv'>
        <Text className='kv__k'>事项</Text>
        <Text className='kv__v'>{o.categoryName}</Text>
      </View>
      <View className='kv'>
        <Text className='kv__k'>地点</Text>
        <Text className='kv__v' data-testid='offer-place'>
          {o.placeLabel}
        </Text>
      </View>
      <View className='kv'>
        <Text className='kv__k'>距离</Text>
        <Text className='kv__v strong' data-testid='offer-distance'>
          距您约 {distanceText(o.distanceM)}
        </Text>
      </View>
      <View className='kv'>
        <Text className='kv__k'>请求人</Text>
        <Text className='kv__v' data-testid='offer-requester'>
          {o.requester}
        </Text>
      </View>
      <Text className='muted small block'>{joinParts([when, o.assist && o.assist.count > 1 ? `需要 ${o.assist.count} 人，已有 ${o.assist.accepted} 人接单` : null])}</Text>
      {photos.length ? (
        <View className='mt8'>
          <PhotoStrip photos={photos} onPreview={preview} label='现场照片' />
        </View>
      ) : null}
      {o.note ? <Text className='tl__note'>{o.note}</Text> : null}
      {o.rating ? (
        <View className='row gap mt8' data-testid='offer-rating'>
          <Text className='small'>请求人评价</Text>
          <Stars value={o.rating.score} />
          {o.rating.comment ? <Text className='small muted'>{o.rating.comment}</Text> : null}
        </View>
      ) : null}

      {o.state === 'offered' ? (
        <View className='row gap mt12'>
          <Button className='btn btn--ghost grow' disabled={disabledIf(busy)} onClick={() => onDecline?.(o)} data-testid='offer-decline' aria-label={`婉拒：${o.need}`}>
            婉拒
          </Button>
          <Button className='btn btn--primary grow' disabled={disabledIf(busy)} onClick={() => onAccept?.(o)} data-testid='offer-accept' aria-label={`接单：${o.need}`}>
            {busy ? '正在提交…' : '接单'}
          </Button>
        </View>
      ) : null}
      {o.state === 'accepted' || o.state === 'arrived' ? (
        <View className='row gap mt12'>
          {process.env.TARO_ENV === 'weapp' ? (
            <Button className='btn btn--ghost grow' onClick={openMap} data-testid='offer-map'>
              导航
            </Button>
          ) : null}
          {o.state === 'accepted' ? (
            <Button className='btn btn--primary grow' disabled={disabledIf(busy)} onClick={() => onArrive?.(o)} data-testid='offer-arrive'>
              {busy ? '正在定位…' : '我已到场'}
            </Button>
          ) : (
            <Button className='btn btn--primary grow' disabled={disabledIf(busy)} onClick={() => onDone?.(o)} data-testid='offer-done'>
              协助完成
            </Button>
          )}
        </View>
      ) : null}
      {o.state === 'accepted' ? (
        <Text className='muted small block mt8'>
          到场时点“我已到场”，会发送您当前的位置（需在现场 200 米内）。
        </Text>
      ) : null}
    </View>
  );
}
