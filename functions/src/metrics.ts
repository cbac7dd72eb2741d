/**
 * THE business metrics: what the code counts and infra alarms on (infra/src/observability-stack.ts
 * reads this table). Each count is one line of CloudWatch embedded metric format (EMF) on
 * stdout, which CloudWatch Logs turns into a datapoint of namespace METRIC_NAMESPACE with the
 * dimension Stage — no API call, no permission beyond writing the function's own logs. The line
 * is written to stdout directly (as Powertools Metrics does) so it is the whole log event.
 * The local stack has no CloudWatch: nothing is written there (WSB_LOCAL=1).
 *
 * Reads nothing at import (infra imports it at synth).
 */
export const METRIC_NAMESPACE = 'Weishibao';
export const METRIC_DIMENSION = 'Stage';

export const METRICS = {
  /** a push WeChat would not take after its retries, written to the dead-letter partition */
  deadLetteredPushes: 'DeadLetteredPushes',
  /** due timers one sweeper run could not fire (the next run resumes at their hour) */
  sweeperTimerFailures: 'SweeperTimerFailures',
} as const;

export type MetricName = (typeof METRICS)[keyof typeof METRICS];

/** The EMF document for one count (exported for tests). */
export function emfLine(name: MetricName, value: number, at: Date, stage: string): string {
  return JSON.stringify({
    _aws: {
      Timestamp: at.getTime(),
      CloudWatchMetrics: [{ Namespace: METRIC_NAMESPACE, Dimensions: [[METRIC_DIMENSION]], Metrics: [{ Name: name, Unit: 'Count' }] }],
    },
    [METRIC_DIMENSION]: stage,
    [name]: value,
  });
}

export function countMetric(name: MetricName, value = 1, at = new Date()): void {
  if (process.env.WSB_LOCAL === '1') return;
  process.stdout.write(`${emfLine(name, value, at, process.env.STAGE || 'unknown')}\n`);
}
