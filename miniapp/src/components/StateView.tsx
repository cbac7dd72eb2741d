/** Loading, empty and error states: every screen that loads shows one of these until it has data. */
import { View, Text, Button } from '@tarojs/components';
import { decorative, role } from '../lib/a11y';

export function Loading({ text = '加载中…' }: { text?: string }) {
  return (
    <View className='state' data-testid='loading' {...role('status')}>
      <View className='spinner' {...decorative} />
      <Text className='state__text'>{text}</Text>
    </View>
  );
}

export function Empty({ text, action, onAction }: { text: string; action?: string; onAction?: () => void }) {
  return (
    <View className='state' data-testid='empty'>
      <View className='state__icon' {...decorative}>
        空
      </View>
      <Text className='state__text'>{text}</Text>
      {action && onAction ? (
        <Button className='btn btn--ghost btn--small' onClick={onAction}>
          {action}
        </Button>
      ) : null}
    </View>
  );
}

export function ErrorState({ message, onRetry }: { message: string; onRetry?: () => void }) {
  return (
    <View className='state state--error' data-testid='error' {...role('alert')}>
      <View className='state__icon' {...decorative}>
        !
      </View>
      <Text className='state__text'>{message}</Text>
      {onRetry ? (
        <Button className='btn btn--ghost btn--small' onClick={onRetry}>
          重试
        </Button>
      ) : null}
    </View>
  );
}
