/** Every async source has somewhere for failures to go; one rule per schedule row. */
import { describe, expect, it } from 'vitest';
import { SCHEDULES } from '../../functions/src/events/schedules.ts';
import { PUSH_QUEUE, STREAM_CONSUMERS } from '../../functions/src/events/consumers.ts';
import { ORIGINALS_PREFIX } from '../../infra/src/prefixes.ts';
import { synth } from './support.ts';

describe('events stack', () => {
  const s = synth();
  const t = s.templates.events;
  /** the one mapping of a function (matched by its ARN's export from the functions stack) */
  const mappingOf = (name: string) => {
    const logicalId = s.stacks.functions.getLogicalId(s.stacks.functions.byName(name).fn.node.defaultChild as any);
    const found = s.resources('AWS::Lambda::EventSourceMapping').filter((m) => JSON.stringify(m.resource.Properties!.FunctionName).includes(logicalId));
    expect(found, name).toHaveLength(1);
    return found[0]!.resource.Properties! as Record<string, any>;
  };

  it('gives every stream mapping an on-failure destination, bisect on error and bounded retries', () => {
    const mappings = s.resources('AWS::Lambda::EventSourceMapping').filter((m) => JSON.stringify(m.resource.Properties!.EventSourceArn).includes('StreamArn'));
    expect(mappings).toHaveLength(s.stacks.functions.functions.filter((f) => f.spec.kind === 'stream').length);
    expect(mappings.length).toBeGreaterThan(0);
    for (const { id, resource } of mappings) {
      const p = resource.Properties!;
      expect(p.DestinationConfig?.OnFailure?.Destination, id).toBeDefined();
      expect(p.BisectBatchOnFunctionError).toBe(true);
      expect(p.MaximumRetryAttempts).toBeGreaterThanOrEqual(0);
      expect(p.MaximumRetryAttempts).toBeLessThanOrEqual(10);
      expect(p.MaximumRecordAgeInSeconds).toBeGreaterThan(0);
    }
  });

  it('filters each stream consumer as its row says, with partial batch responses and its batching', () => {
    expect(STREAM_CONSUMERS.map((c) => c.name).sort()).toEqual(s.stacks.functions.functions.filter((f) => f.spec.kind === 'stream').map((f) => f.spec.name).sort());
    for (const c of STREAM_CONSUMERS) {
      const p = mappingOf(c.name);
      expect(p.FilterCriteria.Filters.map((f: { Pattern: string }) => JSON.parse(f.Pattern)), c.name).toEqual(c.filters);
      expect(p.FunctionResponseTypes, c.name).toEqual(['ReportBatchItemFailures']);
      expect(p.BatchSize, c.name).toBe(c.batchSize);
      expect(p.MaximumBatchingWindowInSeconds, c.name).toBe(c.maxBatchingWindowSeconds);
      expect(p.StartingPosition, c.name).toBe('TRIM_HORIZON');
    }
    // the notifier sees inserted items carrying an outbox row; the KPIs the report record's changes
    expect(JSON.stringify(mappingOf('events-stream').FilterCriteria)).toContain('outbox');
    expect(JSON.parse(mappingOf('events-kpi').FilterCriteria.Filters[0].Pattern)).toEqual({ eventName: ['INSERT', 'MODIFY'], dynamodb: { NewImage: { type: { S: ['report'] } } } });
  });

  it('maps the push queue to events-push: batches of 10, partial batch responses, bounded concurrency', () => {
    const p = mappingOf(PUSH_QUEUE.consumer);
    expect(JSON.stringify(p.EventSourceArn)).toMatch(/PushQueue/);
    expect(p).toMatchObject({ BatchSize: PUSH_QUEUE.batchSize, MaximumBatchingWindowInSeconds: PUSH_QUEUE.maxBatchingWindowSeconds, FunctionResponseTypes: ['ReportBatchItemFailures'], ScalingConfig: { MaximumConcurrency: PUSH_QUEUE.maxConcurrency } });
    // SQS redrives to its own DLQ: the mapping has no on-failure destination and no stream settings
    expect(p.DestinationConfig).toBeUndefined();
    expect(p.StartingPosition).toBeUndefined();
  });

  it('gives every asynchronously invoked function (S3, schedules) an on-failure destination', () => {
    const configs = Object.values(t.findResources('AWS::Lambda::EventInvokeConfig')) as any[];
    const asyncFns = s.stacks.functions.functions.filter((f) => f.spec.kind === 'photos' || f.spec.kind === 'schedule');
    expect(configs).toHaveLength(asyncFns.length);
    for (const f of asyncFns) {
      const logicalId = s.stacks.functions.getLogicalId(f.fn.node.defaultChild as any);
      const config = configs.find((c) => JSON.stringify(c.Properties.FunctionName).includes(`ExportsOutputRef${logicalId}`));
      expect(config, f.spec.name).toBeDefined();
      expect(config.Properties.DestinationConfig.OnFailure.Destination).toBeDefined();
      expect(config.Properties.MaximumRetryAttempts).toBe(2);
    }
  });

  it('has one EventBridge rule per row of SCHEDULES, at its rate, targeting its function with a DLQ', () => {
    const rules = Object.values(t.findResources('AWS::Events::Rule')) as any[];
    expect(rules).toHaveLength(SCHEDULES.length);
    for (const row of SCHEDULES) {
      const fn = s.stacks.functions.byName(`schedule-${row.name}`).fn;
      const logicalId = s.stacks.functions.getLogicalId(fn.node.defaultChild as any);
      const rule = rules.find((r) => JSON.stringify(r.Properties.Targets).includes(`ExportsOutputRef${logicalId}`));
      expect(rule, row.name).toBeDefined();
      expect(rule.Properties.ScheduleExpression).toBe(`rate(${row.everyMinutes} minute${row.everyMinutes === 1 ? '' : 's'})`);
      expect(rule.Properties.Targets[0].DeadLetterConfig.Arn).toBeDefined();
      expect(rule.Properties.State ?? 'ENABLED').toBe('ENABLED');
    }
  });

  it('sends ObjectCreated under uploads/ to the photo function, scoped to the photo bucket', () => {
    const cr = Object.values(t.findResources('Custom::AWS')) as any[];
    expect(cr).toHaveLength(1);
    // the SDK call is a JSON string joined around the tokens: put the tokens back as text
    const parts = cr[0].Properties.Create['Fn::Join'][1] as unknown[];
    const call = JSON.parse(parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p).replace(/"/g, "'"))).join(''));
    expect(call.action).toBe('putBucketNotificationConfiguration');
    const [config, ...others] = call.parameters.NotificationConfiguration.LambdaFunctionConfigurations;
    expect(others).toEqual([]);
    expect(config.Events).toEqual(['s3:ObjectCreated:*']);
    expect(config.Filter.Key.FilterRules).toEqual([{ Name: 'prefix', Value: ORIGINALS_PREFIX }]);
    const photos = s.stacks.functions.byName('events-photos').fn;
    expect(config.LambdaFunctionArn).toContain(`ExportsOutputRef${s.stacks.functions.getLogicalId(photos.node.defaultChild as any)}`);
    expect(call.parameters.Bucket).toMatch(/Weishibao-dev-Storage:ExportsOutputRefPhotos/);
    const policy = Object.values(t.findResources('AWS::IAM::Policy')).find((p: any) =>
      JSON.stringify(p.Properties.PolicyDocument).includes('s3:PutBucketNotification'),
    ) as any;
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      { Action: 's3:PutBucketNotification', Effect: 'Allow', Resource: { 'Fn::ImportValue': expect.stringMatching(/Weishibao-dev-Storage:ExportsOutputFnGetAttPhotos\w+Arn/) } },
    ]);
    t.hasResourceProperties('AWS::Lambda::Permission', { Principal: 's3.amazonaws.com', SourceAccount: { Ref: 'AWS::AccountId' } });
    expect(cr[0].DependsOn.some((d: string) => d.startsWith('EventsPhotosFnInvokeFromPhotoBucket'))).toBe(true);
  });

  it('keeps failure queues encrypted and TLS-only', () => {
    const queues = Object.values(t.findResources('AWS::SQS::Queue')) as any[];
    expect(queues).toHaveLength(3);
    for (const q of queues) expect(q.Properties.SqsManagedSseEnabled).toBe(true);
    for (const p of Object.values(t.findResources('AWS::SQS::QueuePolicy')) as any[]) {
      expect(p.Properties.PolicyDocument.Statement.some((x: any) => x.Effect === 'Deny' && x.Condition?.Bool?.['aws:SecureTransport'] === 'false')).toBe(true);
    }
  });
});
