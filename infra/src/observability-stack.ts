/**
 * Observability: alarms that call a person (an SNS topic encrypted with its own KMS key;
 * `-c alarmEmail=…` subscribes an address) and one dashboard. What alarms:
 * - every function: unhandled errors (Errors >= 1 in 5 min), throttles (>= 1), p99 duration
 *   above 80 % of its timeout;
 * - every scheduled function: a heartbeat — no invocation in 15 minutes (or three intervals,
 *   if longer) means the schedule stopped;
 * - every failure queue: depth > 0 (something needs a human);
 * - the stream consumers: iterator age > 5 min (notifications or KPIs are late); the push queue:
 *   oldest message older than 5 min (pushes are late);
 * - the table: throttled requests and DynamoDB system errors (>= 1 in 5 min, summed over the
 *   operations the functions call);
 * - the code's own counts (functions/src/metrics.ts, EMF): any dead-lettered push; sweeper
 *   timer failures in two runs in a row (one is retried by the next run, two mean a stuck hour);
 * - the API: 5xx >= 5 in 5 min, p99 latency > 3 s for 15 min.
 * Handled errors (4xx) are answers, not failures: they are on the dashboard, not alarmed.
 */
import { ArnFormat, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Operation, type TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { METRIC_DIMENSION, METRIC_NAMESPACE, METRICS } from './catalog.ts';
import { pascal, type DeployedFunction } from './functions-stack.ts';
import type { Settings } from './settings.ts';

export interface ObservabilityStackProps extends StackProps {
  settings: Settings;
  functions: readonly DeployedFunction[];
  api: HttpApi;
  queues: readonly IQueue[];
  table: TableV2;
}

const FIVE_MIN = Duration.minutes(5);

/** no invocation of a scheduled function for this long (at least) alarms */
export const HEARTBEAT_MINUTES = 15;

/**
 * The table operations the functions call (store/: Get, BatchGet, Query, Put, Update, Delete,
 * TransactWrite; BatchWrite is granted) and the stream reads (GetRecords). A CloudWatch alarm
 * takes at most 10 metrics: listing every DynamoDB operation (14) would fail at deploy.
 */
export const TABLE_OPERATIONS: readonly Operation[] = [
  Operation.GET_ITEM,
  Operation.BATCH_GET_ITEM,
  Operation.QUERY,
  Operation.PUT_ITEM,
  Operation.UPDATE_ITEM,
  Operation.DELETE_ITEM,
  Operation.BATCH_WRITE_ITEM,
  Operation.TRANSACT_WRITE_ITEMS,
  Operation.GET_RECORDS,
];

/**
 * A table metric summed over TABLE_OPERATIONS. SUM([...]) adds what each period has, where
 * "m1 + m2 + …" (CDK's metric…ForOperations) has no value for a period in which one operation
 * reported nothing — and so would never alarm on a throttled GetItem alone.
 */
function perOperationSum(table: TableV2, metricName: 'ThrottledRequests' | 'SystemErrors', label: string): MathExpression {
  const usingMetrics: Record<string, Metric> = {};
  TABLE_OPERATIONS.forEach((op, i) => {
    usingMetrics[`op${i}`] = new Metric({
      namespace: 'AWS/DynamoDB',
      metricName,
      dimensionsMap: { TableName: table.tableName, Operation: op },
      statistic: 'Sum',
      period: FIVE_MIN,
    });
  });
  return new MathExpression({ expression: `SUM([${Object.keys(usingMetrics).join(', ')}])`, usingMetrics, label, period: FIVE_MIN });
}

export class ObservabilityStack extends Stack {
  readonly topic: Topic;
  readonly topicKey: Key;
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: ObservabilityStackProps) {
    super(scope, id, props);
    const { settings, functions, api, queues, table } = props;

    // CloudWatch alarms cannot publish to a topic under the AWS-managed key (alias/aws/sns):
    // its key policy cannot let CloudWatch use it. A key of our own says so.
    this.topicKey = new Key(this, 'AlarmsKey', {
      description: `weishibao ${settings.stage}: encrypts the alarm topic`,
      enableKeyRotation: true,
      removalPolicy: settings.stage === 'prod' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    this.topicKey.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceAccount': this.account },
          ArnLike: { 'aws:SourceArn': this.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
        },
      }),
    );
    this.topic = new Topic(this, 'Alarms', { displayName: `weishibao ${settings.stage} alarms`, enforceSSL: true, masterKey: this.topicKey });
    if (settings.alarmEmail) this.topic.addSubscription(new EmailSubscription(settings.alarmEmail));
    const action = new SnsAction(this.topic);

    const alarm = (
      id: string,
      metric: IMetric,
      threshold: number,
      description: string,
      evaluationPeriods = 1,
      how: { comparisonOperator?: ComparisonOperator; treatMissingData?: TreatMissingData } = {},
    ) => {
      const a = new Alarm(this, id, {
        metric,
        threshold,
        evaluationPeriods,
        comparisonOperator: how.comparisonOperator ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: how.treatMissingData ?? TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      a.addAlarmAction(action);
      a.addOkAction(action);
      this.alarms.push(a);
      return a;
    };

    for (const { spec, fn, queue } of functions) {
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
      if (spec.kind === 'schedule') {
        // Lambda reports no Invocations datapoint for a period without any: missing is the signal
        const minutes = Math.max(HEARTBEAT_MINUTES, 3 * spec.schedule!.everyMinutes);
        alarm(
          `${id}Heartbeat`,
          fn.metricInvocations({ period: Duration.minutes(minutes), statistic: 'Sum' }),
          1,
          `${spec.name}: not invoked for ${minutes} minutes (runs every ${spec.schedule!.everyMinutes}): the schedule stopped`,
          1,
          { comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD, treatMissingData: TreatMissingData.BREACHING },
        );
      }
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
      if (queue) {
        alarm(
          `${id}QueueAge`,
          queue.queue.metricApproximateAgeOfOldestMessage({ period: FIVE_MIN, statistic: 'Maximum' }),
          5 * 60,
          spec.name === 'events-webhooks'
            ? `${spec.name}: queued webhook calls wait more than 5 minutes (city systems slow or the consumer failing)`
            : `${spec.name}: queued pushes wait more than 5 minutes (WeChat slow or the consumer failing)`,
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

    alarm('TableThrottles', perOperationSum(table, 'ThrottledRequests', 'throttled requests'), 1, 'DynamoDB: requests throttled (a hot partition or the on-demand limit)');
    alarm('TableSystemErrors', perOperationSum(table, 'SystemErrors', 'system errors'), 1, 'DynamoDB: system errors (HTTP 500 from the service)');

    const codeMetric = (name: string) =>
      new Metric({ namespace: METRIC_NAMESPACE, metricName: name, dimensionsMap: { [METRIC_DIMENSION]: settings.stage }, statistic: 'Sum', period: FIVE_MIN });
    alarm('DeadLetteredPushes', codeMetric(METRICS.deadLetteredPushes), 1, 'Pushes dead-lettered: WeChat refused them after retries (GET /v1/admin/push/dead-letters, then POST /v1/admin/push/replay)');
    alarm('SweeperTimerFailures', codeMetric(METRICS.sweeperTimerFailures), 1, 'Sweeper: timers failed in two runs in a row (their hour is stuck; later timers wait)', 2);

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
