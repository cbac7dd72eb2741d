/**
 * Where the phone is, in GCJ-02 (the datum the app speaks) with the phone's own accuracy estimate.
 * WeChat answers in GCJ-02 when asked (`type: 'gcj02'`); the browser's geolocation is WGS-84, so
 * it is converted here, through the backend's one datum module.
 */
import Taro from '@tarojs/taro';
import { wgs84ToGcj02 } from './datum';
import type { LatLng } from './types';

export interface Position {
  point: LatLng;
  /** metres (the radius the phone is ~68 % sure of), null when it does not say */
  accuracy: number | null;
}

/** Why there is no position: the person refused (or never granted) it, or the phone could not get one. */
export class PositionError extends Error {
  constructor(readonly reason: 'denied' | 'unavailable') {
    super(reason === 'denied' ? '没有定位权限' : '暂时无法获取您的位置');
    this.name = 'PositionError';
  }
}

const TIMEOUT_MS = 10_000;

function browserPosition(): Promise<Position> {
  return new Promise((resolve, reject) => {
    const geo = typeof navigator === 'undefined' ? undefined : navigator.geolocation;
    if (!geo) return reject(new PositionError('unavailable'));
    geo.getCurrentPosition(
      (pos) =>
        resolve({
          point: wgs84ToGcj02({ lat: pos.coords.latitude, lng: pos.coords.longitude }),
          accuracy: Number.isFinite(pos.coords.accuracy) ? pos.coords.accuracy : null,
        }),
      // GeolocationPositionError.PERMISSION_DENIED is 1
      (err) => reject(new PositionError(err.code === 1 ? 'denied' : 'unavailable')),
      { timeout: TIMEOUT_MS, enableHighAccuracy: true, maximumAge: 30_000 },
    );
  });
}

async function wechatPosition(): Promise<Position> {
  try {
    const r = await Taro.getLocation({ type: 'gcj02', isHighAccuracy: true, highAccuracyExpireTime: 4000 });
    return { point: { lat: r.latitude, lng: r.longitude }, accuracy: Number.isFinite(r.accuracy) ? r.accuracy : null };
  } catch (e) {
    // "getLocation:fail auth deny" / "auth denied" when the person said no (now or before)
    const msg = e && typeof e === 'object' && 'errMsg' in e ? String((e as { errMsg: unknown }).errMsg) : '';
    throw new PositionError(/auth|deny|denied|permission/i.test(msg) ? 'denied' : 'unavailable');
  }
}

export function currentPosition(): Promise<Position> {
  return process.env.TARO_ENV === 'h5' ? browserPosition() : wechatPosition();
}
