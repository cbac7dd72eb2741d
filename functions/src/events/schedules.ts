/**
 * THE schedule table: jobs run on a timer. The local schedule pump runs it; infra/ turns each
 * row into an EventBridge rule. Handlers are named by module so reading this loads nothing.
 */
export interface Schedule {
  name: string;
  everyMinutes: number;
  /** module under functions/src/events exporting `handler` */
  module: string;
  description: string;
}

export const SCHEDULES: readonly Schedule[] = [
  { name: 'sweeper', everyMinutes: 5, module: 'sweeper', description: '时限催办、超时升级、评价提醒与过期' },
  { name: 'assists', everyMinutes: 1, module: 'assists', description: '协助请求无人接单时扩大范围，多轮无人时告知请求人' },
  { name: 'expire-uploads', everyMinutes: 5, module: 'expire-uploads', description: '过期未完成的上传标记为失败并删除原图' },
];
