/**
 * Observability: alarms that call a person (SNS topic; `-c alarmEmail=…` subscribes an address)
 * and one dashboard. What alarms:
 * - every function: unhandled errors (Errors >= 1 in 5 min), throttles (>= 1), p99 duration
 *   above 80 % of its timeout;
 * - every failure queue: depth > 0 (something needs a human);
 * - the stream consumer: iterator age > 5 min (notifications are late);
 * - the API: 5xx >= 5 in 5 min, p99 latency > 3 s for 15 min.
 * Handled errors (4xx) are answers, not failures: they are on the dashboard, not alarmed.
 */
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  Metric,
  TextWidget,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { pascal, type DeployedFunction } from './functions-stack.ts';
import type { Settings } from './settings.ts';

export interface ObservabilityStackProps extends StackProps {
  settings: Settings;
  functions: readonly DeployedFunction[];
  api: HttpApi;
  queues: readonly Queue[];
  table: TableV2;
}

const FIVE_MIN = Duration.minutes(5);

export class ObservabilityStack extends Stack {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: ObservabilityStackProps) {
    super(scope, id, props);
    const { settings, functions, api, queues, table } = props;

    this.topic = new Topic(this, 'Alarms', { displayName: `weishibao ${settings.stage} alarms`, enforceSSL: true });
    if (settings.alarmEmail) this.topic.addSubscription(new EmailSubscription(settings.alarmEmail));
    const action = new SnsAction(this.topic);

    const alarm = (id: string, metric: IMetric, threshold: number, description: string, evaluationPeriods = 1) => {
      const a = new Alarm(this, id, {
        metric,
        threshold,
        evaluationPeriods,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      a.addAlarmAction(action);
      a.addOkAction(action);
      this.alarms.push(a);
      return a;
    };

    for (const { spec, fn } of functions) {
      const id = pascal(spec.name);
      alarm(`${id}Errors`, fn.metricErrors({ period: FIVE_MIN, statistic: 'Sum' }), 1, `${spec.name}: unhandled errors`);
      alarm(`${id}Throttles`, fn.metricThrottles({ period: FIVE_MIN, statistic: 'Sum' }), 1, `${spec.name}: throttled invocations`);
      const timeoutMs = fn.timeout?.toMilliseconds() ?? 3000;
      alarm(
        `${id}DurationP99`,
        fn.metricDuration({ period: FIVE_MIN, statistic: 'p99' }),
        Math.round(timeoutMs * 0.8),
        `${spec.name}: p99 duration above 80 % of its ${timeoutMs / 1000} s timeout`,
        3,
      );
      if (spec.kind === 'stream') {
        alarm(
          `${id}IteratorAge`,
          new Metric({
            namespace: 'AWS/Lambda',
            metricName: 'IteratorAge',
            dimensionsMap: { FunctionName: fn.functionName },
            period: FIVE_MIN,
            statistic: 'Maximum',
          }),
          5 * 60 * 1000,
          `${spec.name}: stream records wait more than 5 minutes (notifications late)`,
        );
      }
    }

    for (const q of queues) {
      alarm(
        `${q.node.id}Depth`,
        q.metricApproximateNumberOfMessagesVisible({ period: FIVE_MIN, statistic: 'Maximum' }),
        1,
        `${q.node.id}: failed events are waiting for a person (depth > 0)`,
      );
    }

    alarm('Api5xx', api.metricServerError({ period: FIVE_MIN, statistic: 'Sum' }), 5, 'API: 5 or more 5xx answers in 5 minutes');
    alarm('ApiLatencyP99', api.metricLatency({ period: FIVE_MIN, statistic: 'p99' }), 3000, 'API: p99 latency above 3 s for 15 minutes', 3);

    // ---- one dashboard
    const api_ = [
      new GraphWidget({
        title: 'API requests and errors',
        left: [api.metricCount({ period: FIVE_MIN, statistic: 'Sum' }), api.metricClientError({ period: FIVE_MIN, statistic: 'Sum' }), api.metricServerError({ period: FIVE_MIN, statistic: 'Sum' })],
        width: 12,
      }),
      new GraphWidget({
        title: 'API latency (ms)',
        left: [api.metricLatency({ period: FIVE_MIN, statistic: 'p50' }), api.metricLatency({ period: FIVE_MIN, statistic: 'p99' })],
        width: 12,
      }),
    ];
    const fns = [
      new GraphWidget({ title: 'Invocations', left: functions.map((f) => f.fn.metricInvocations({ period: FIVE_MIN, statistic: 'Sum', label: f.spec.name })), width: 12 }),
      new GraphWidget({ title: 'Errors', left: functions.map((f) => f.fn.metricErrors({ period: FIVE_MIN, statistic: 'Sum', label: f.spec.name })), width: 12 }),
      new GraphWidget({ title: 'Duration p99 (ms)', left: functions.map((f) => f.fn.metricDuration({ period: FIVE_MIN, statistic: 'p99', label: f.spec.name })), width: 12 }),
      new GraphWidget({ title: 'Throttles', left: functions.map((f) => f.fn.metricThrottles({ period: FIVE_MIN, statistic: 'Sum', label: f.spec.name })), width: 12 }),
    ];
    const data = [
      new GraphWidget({
        title: 'DynamoDB consumed capacity',
        left: [table.metricConsumedWriteCapacityUnits({ period: FIVE_MIN, statistic: 'Sum' }), table.metricConsumedReadCapacityUnits({ period: FIVE_MIN, statistic: 'Sum' })],
        width: 12,
      }),
      new GraphWidget({
        title: 'Failure queues (messages)',
        left: queues.map((q) => q.metricApproximateNumberOfMessagesVisible({ period: FIVE_MIN, statistic: 'Maximum', label: q.node.id })),
        width: 12,
      }),
    ];
    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `weishibao-${settings.stage}`,
      widgets: [
        [new TextWidget({ markdown: `# 微事报 ${settings.stage}\nAPI, functions, table and failure queues. Alarms go to the SNS topic of this stack.`, width: 24, height: 2 })],
        api_,
        fns.slice(0, 2),
        fns.slice(2),
        data,
      ],
    });
  }
}
