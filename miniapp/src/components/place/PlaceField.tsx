/**
 * "3. 问题位置" of the report form: the place as the server names it ("粤海街道 科技园社区 深南花园
 * 3栋"), how sure the phone was, the grid that will handle it, and the three ways to give or
 * change it — the phone's position, the building picker (no map needed), the map. A question
 * ("是在 … 吗？") takes the place of the label while the server asks for a confirmation.
 */
import { useEffect, useState, type ReactNode } from 'react';
import Taro from '@tarojs/taro';
import { View, Text, Button } from '@tarojs/components';
import { role } from '../../lib/a11y';
import type { LatLng } from '../../lib/types';
import { BaseMap } from '../map/BaseMap';
import { WeappMap } from '../map/WeappMap';
import { BuildingPicker } from './BuildingPicker';
import { PlaceConfirm } from './PlaceConfirm';
import type { ConfirmedPlace, UsePlace } from './usePlace';

type Mode = 'picker' | 'map' | null;

export const placeText = (p: ConfirmedPlace) => `${p.label}${p.unit ? ` ${p.unit}` : ''}${p.floor ? ` ${p.floor}层` : ''}`;

/** `children`: shown at the bottom of the field (the form's optional address line) */
export function PlaceField({ place, children }: { place: UsePlace; children?: ReactNode }) {
  const { state } = place;
  const [mode, setMode] = useState<Mode>(null);
  // no place and no map open: the picker is the way forward, so it shows by itself; once a place
  // is confirmed the picker has done its job (the map stays open: a second tap may refine it)
  useEffect(() => {
    if (state.step === 'none' && mode === null) setMode('picker');
    if (state.step === 'ok' && mode === 'picker') setMode(null);
  }, [state.step]);

  const toggle = (m: Exclude<Mode, null>) => setMode((cur) => (cur === m ? null : m));
  const current: LatLng | null = state.step === 'ok' ? state.place.point : state.step === 'confirm' ? state.point : null;
  const accuracy = state.step === 'ok' ? state.place.accuracy : state.step === 'confirm' ? state.accuracy : null;

  /** weapp: WeChat's own picker, with search, on its real map */
  const wechatPicker = async () => {
    try {
      const r = await Taro.chooseLocation(current ? { latitude: current.lat, longitude: current.lng } : {});
      place.pickPoint({ lat: r.latitude, lng: r.longitude });
    } catch {
      /* cancelled */
    }
  };

  return (
    <View className='field' data-testid='place'>
      <Text className='field__label'>
        3. 问题位置<Text className='req'>*</Text>
      </Text>

      <View aria-live='polite' data-testid='place-status'>
        {state.step === 'locating' ? <Text className='muted block'>正在获取您的位置…</Text> : null}
        {state.step === 'resolving' ? <Text className='muted block'>正在确定位置…</Text> : null}
        {state.step === 'none' ? (
          <Text className='danger-text block' data-testid='place-missing'>
            {state.message}
          </Text>
        ) : null}
        {state.step === 'ok' ? (
          <View>
            <Text className='place__label' data-testid='place-label'>
              {placeText(state.place)}
            </Text>
            {state.place.source === 'gps' && state.place.accuracy && !state.place.chosen ? (
              <Text className='muted block' data-testid='place-accuracy'>
                定位精度约 {Math.round(state.place.accuracy)} 米
              </Text>
            ) : null}
            <Text className='block mt8' data-testid='routed-grid'>
              将由 <Text className='strong'>{[state.place.community?.name, state.place.grid?.name].filter(Boolean).join(' · ') || '指挥中心'}</Text> 负责处理
            </Text>
            {state.place.routing === 'nearest' ? <Text className='muted block'>该位置在网格边界外，已交给最近的网格</Text> : null}
          </View>
        ) : null}
      </View>

      {state.step === 'confirm' ? (
        <PlaceConfirm
          located={state.located}
          accuracy={state.accuracy}
          fromMap={state.source === 'map'}
          onChoose={(b) => place.chooseBuilding(b)}
          onNone={() => {
            place.rejectCandidates();
            setMode('picker');
          }}
          onAcceptPoint={place.acceptPoint}
        />
      ) : null}

      <View className='place__ways'>
        <Button className='btn btn--small' {...role('button', '重新定位：使用手机的位置')} onClick={place.locateMe} data-testid='place-locate'>
          重新定位
        </Button>
        <Button className={`btn btn--small${mode === 'picker' ? ' btn--ghost' : ''}`} {...role('button', '搜索楼栋：不用地图，按小区和楼栋选择')} aria-expanded={mode === 'picker' ? 'true' : 'false'} onClick={() => toggle('picker')} data-testid='place-pick'>
          搜索楼栋
        </Button>
        <Button className={`btn btn--small${mode === 'map' ? ' btn--ghost' : ''}`} {...role('button', '在地图上选：点一下地图选择位置')} aria-expanded={mode === 'map' ? 'true' : 'false'} onClick={() => toggle('map')} data-testid='place-map'>
          在地图上选
        </Button>
      </View>

      {mode === 'picker' ? (
        <BuildingPicker
          onChoose={(b, unit, floor) => {
            place.chooseBuilding(b, unit, floor);
            setMode(null);
          }}
          onClose={() => setMode(null)}
        />
      ) : null}

      {mode === 'map' ? (
        <View className='mt8'>
          <Text className='muted small block'>在地图上点一下问题所在的位置（虚线为网格边界）</Text>
          {process.env.TARO_ENV === 'h5' ? (
            <BaseMap label='地图：点一下选择问题位置；也可以用“搜索楼栋”不看地图选择' height='260px' marker={current} accuracy={accuracy} onPick={place.pickPoint} />
          ) : (
            <>
              <WeappMap marker={current} accuracy={accuracy} onPick={place.pickPoint} />
              <Text className='link small block mt8 tap' {...role('button')} onClick={() => void wechatPicker()}>
                用微信地图搜索地点
              </Text>
            </>
          )}
        </View>
      ) : null}
      {children}
    </View>
  );
}
