import { Text } from '@tarojs/components';
import { STATUS_TONE } from '../lib/format';
import type { Status } from '../lib/types';

/** The report's state as a coloured badge; `name` is the API's own Chinese `statusName`. */
export function StatusBadge({ status, name, overdue = false }: { status: Status; name: string; overdue?: boolean }) {
  return (
    <Text className={`badge badge--${overdue ? 'red' : STATUS_TONE[status] ?? 'grey'}`} data-status={status}>
      {overdue ? `${name} · 已超时` : name}
    </Text>
  );
}
