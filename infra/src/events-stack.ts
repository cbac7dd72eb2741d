/**
 * Events: everything that invokes a function without an HTTP request, each with a place for
 * what fails.
 * - the table stream -> events-stream and events-kpi, each mapping with its consumer's filters
 *   and batching (functions/src/events/consumers.ts), partial batch responses (a handler answers
 *   the first record that failed; the stream retries from it), bisect on error, bounded retries
 *   and record age, failed batches' coordinates to an SQS queue;
 * - the push queue (built in the functions stack) -> events-push: batches of 10 (1 s window) with partial
 *   batch responses and at most PUSH_QUEUE.maxConcurrency invocations at once; what fails every
 *   receive moves to the push dead-letter queue (the queue's redrive policy);
 * - S3 ObjectCreated under uploads/ -> events-photos (asynchronous: two retries, then to a
 *   queue);
 * - one EventBridge rule per row of the schedule table -> schedule-<name> (delivery failures
 *   to a dead-letter queue, function failures to the same on-failure queue as photos).
 *
 * Functions and their roles are imported by ARN, so every grant and permission made here lands
 * in this stack and the functions stack depends on nothing downstream.
 *
 * The S3 notification is written by an SDK call (PutBucketNotificationConfiguration) instead of
 * CDK's bucket-notification handler, whose policy allows s3:PutBucketNotification on every
 * bucket (`*`) and whose function has no log retention. This one is scoped to the photo bucket
 * and logs to a group with retention. It owns the bucket's notification configuration.
 */
import { Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction as LambdaTarget } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, Role, ServicePrincipal, type IRole } from 'aws-cdk-lib/aws-iam';
import { EventInvokeConfig, EventSourceMapping, StartingPosition, type IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Queue, QueueEncryption, type IQueue } from 'aws-cdk-lib/aws-sqs';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import type { Construct } from 'constructs';
import { ORIGINALS_PREFIX } from './prefixes.ts';
import { PUSH_QUEUE, STREAM_CONSUMERS, WEBHOOK_QUEUE } from './catalog.ts';
import { importFunction, pascal, type DeployedFunction } from './functions-stack.ts';
import type { Settings } from './settings.ts';

export interface EventsStackProps extends StackProps {
  settings: Settings;
  table: TableV2;
  bucket: IBucket;
  functions: readonly DeployedFunction[];
}

export class EventsStack extends Stack {
  /** failed stream batches (shard, sequence numbers: replay from the stream within 24 h) */
  readonly streamFailures: Queue;
  /** asynchronous invocations (S3, schedules) that failed after their retries */
  readonly asyncFailures: Queue;
  /** schedule events EventBridge could not deliver at all */
  readonly scheduleDeliveryFailures: Queue;
  /** pushes that failed every receive (the push queue's DLQ, owned by the functions stack) */
  readonly pushDeadLetters: IQueue[] = [];
  readonly rules: Rule[] = [];

  constructor(scope: Construct, id: string, props: EventsStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const imported = new Map<string, { fn: IFunction; role: IRole }>();
    const importFn = (f: DeployedFunction) => {
      let got = imported.get(f.spec.name);
      if (!got) {
        const { fn, role } = importFunction(this, pascal(f.spec.name), f, { withRole: true });
        got = { fn, role: role! };
        imported.set(f.spec.name, got);
      }
      return got;
    };

    this.streamFailures = failureQueue(this, 'StreamFailures');
    this.asyncFailures = failureQueue(this, 'AsyncFailures');
    this.scheduleDeliveryFailures = failureQueue(this, 'ScheduleDeliveryFailures');

    const asyncFailureConfig = (f: DeployedFunction) => {
      const { fn, role } = importFn(f);
      const config = new EventInvokeConfig(this, `${pascal(f.spec.name)}AsyncConfig`, {
        function: fn,
        retryAttempts: 2,
        maxEventAge: Duration.hours(6),
        onFailure: new SqsDestination(this.asyncFailures),
      });
      // Lambda checks the role can send to the destination when the config is created
      config.node.addDependency(role);
      return config;
    };

    // ---- the table stream
    for (const f of props.functions.filter((x) => x.spec.kind === 'stream')) {
      const { fn, role } = importFn(f);
      const consumer = STREAM_CONSUMERS.find((c) => c.name === f.spec.name);
      if (!consumer) throw new Error(`infra: stream function ${f.spec.name} has no row in STREAM_CONSUMERS (functions/src/events/consumers.ts)`);
      fn.addEventSource(
        new DynamoEventSource(props.table, {
          startingPosition: StartingPosition.TRIM_HORIZON,
          batchSize: consumer.batchSize,
          maxBatchingWindow: Duration.seconds(consumer.maxBatchingWindowSeconds),
          filters: consumer.filters.map((p) => ({ pattern: JSON.stringify(p) })),
          reportBatchItemFailures: true,
          bisectBatchOnError: true,
          retryAttempts: 5,
          maxRecordAge: Duration.hours(24),
          onFailure: new SqsDlq(this.streamFailures),
        }),
      );
      // the mapping validates stream and queue permissions when it is created
      for (const c of fn.node.children) if (c instanceof EventSourceMapping) c.node.addDependency(role);
    }

    // ---- the push queue -> its consumer
    for (const f of props.functions.filter((x) => x.spec.kind === 'queue')) {
      if (!f.queue) throw new Error(`infra: queue function ${f.spec.name} has no queue`);
      const { fn, role } = importFn(f);
      const spec = f.spec.name === WEBHOOK_QUEUE.consumer ? WEBHOOK_QUEUE : PUSH_QUEUE;
      fn.addEventSource(
        new SqsEventSource(f.queue.queue, {
          batchSize: spec.batchSize,
          maxBatchingWindow: Duration.seconds(spec.maxBatchingWindowSeconds),
          reportBatchItemFailures: true,
          maxConcurrency: spec.maxConcurrency,
        }),
      );
      for (const c of fn.node.children) if (c instanceof EventSourceMapping) c.node.addDependency(role);
      this.pushDeadLetters.push(f.queue.deadLetters);
    }

    // ---- S3 ObjectCreated under uploads/ -> the photo function
    const photoFns = props.functions.filter((x) => x.spec.kind === 'photos');
    if (photoFns.length > 1) throw new Error('infra: S3 notifications go to one photo function');
    for (const f of photoFns) {
      const { fn } = importFn(f);
      asyncFailureConfig(f);
      fn.addPermission('InvokeFromPhotoBucket', {
        principal: new ServicePrincipal('s3.amazonaws.com'),
        sourceArn: props.bucket.bucketArn,
        sourceAccount: this.account,
      });
      const logGroup = new LogGroup(this, 'BucketNotificationLogs', {
        retention: settings.logRetention,
        removalPolicy: RemovalPolicy.DESTROY,
      });
      const role = new Role(this, 'BucketNotificationRole', {
        assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
        description: 'writes the photo bucket notification configuration (deploy time only)',
      });
      logGroup.grantWrite(role);
      const configuration = {
        LambdaFunctionConfigurations: [
          {
            Id: 'originals-to-photo-function',
            Events: ['s3:ObjectCreated:*'],
            LambdaFunctionArn: fn.functionArn,
            Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: ORIGINALS_PREFIX }] } },
          },
        ],
      };
      const put = (NotificationConfiguration: object) => ({
        service: 'S3',
        action: 'putBucketNotificationConfiguration',
        parameters: { Bucket: props.bucket.bucketName, NotificationConfiguration },
        physicalResourceId: PhysicalResourceId.of(`${props.bucket.bucketName}-notifications`),
      });
      const notifications = new AwsCustomResource(this, 'PhotoBucketNotifications', {
        onCreate: put(configuration),
        onUpdate: put(configuration),
        onDelete: put({}),
        role,
        logGroup,
        installLatestAwsSdk: false,
        policy: AwsCustomResourcePolicy.fromStatements([
          new PolicyStatement({ actions: ['s3:PutBucketNotification'], resources: [props.bucket.bucketArn] }),
        ]),
      });
      // S3 checks it may invoke the function when the configuration is written
      notifications.node.addDependency(fn.node.findChild('InvokeFromPhotoBucket'));
    }

    // ---- one rule per row of the schedule table
    for (const f of props.functions.filter((x) => x.spec.kind === 'schedule')) {
      const s = f.spec.schedule!;
      const { fn } = importFn(f);
      asyncFailureConfig(f);
      const rule = new Rule(this, `${pascal(f.spec.name)}Schedule`, {
        description: `${s.name}: ${s.description}`.slice(0, 512),
        schedule: Schedule.rate(Duration.minutes(s.everyMinutes)),
      });
      rule.addTarget(
        new LambdaTarget(fn, {
          deadLetterQueue: this.scheduleDeliveryFailures,
          retryAttempts: 2,
          maxEventAge: Duration.hours(1),
        }),
      );
      this.rules.push(rule);
    }
  }

  /** every queue where failures wait for a person (alarmed on depth) */
  get queues(): IQueue[] {
    return [this.streamFailures, this.asyncFailures, this.scheduleDeliveryFailures, ...this.pushDeadLetters];
  }
}

/** A queue that holds failures for a person to look at: encrypted, TLS only, kept 14 days. */
function failureQueue(scope: Construct, id: string): Queue {
  const q = new Queue(scope, id, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(q).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason:
      'This queue is itself the dead-letter / on-failure destination of an event source; nothing consumes it automatically, an alarm on its depth calls a person.',
  });
  return q;
}
