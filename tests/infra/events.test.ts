/** Every async source has somewhere for failures to go; one rule per schedule row. */
import { describe, expect, it } from 'vitest';
import { SCHEDULES } from '../../functions/src/events/schedules.ts';
import { ORIGINALS_PREFIX } from '../../infra/src/prefixes.ts';
import { synth } from './support.ts';

describe('events stack', () => {
  const s = synth();
  const t = s.templates.events;

  it('gives every event source mapping an on-failure destination, bisect on error and bounded retries', () => {
    const mappings = s.resources('AWS::Lambda::EventSourceMapping');
    expect(mappings).toHaveLength(s.stacks.functions.functions.filter((f) => f.spec.kind === 'stream').length);
    expect(mappings.length).toBeGreaterThan(0);
    for (const { id, resource } of mappings) {
      const p = resource.Properties!;
      expect(p.DestinationConfig?.OnFailure?.Destination, id).toBeDefined();
      expect(p.BisectBatchOnFunctionError).toBe(true);
      expect(p.MaximumRetryAttempts).toBeGreaterThanOrEqual(0);
      expect(p.MaximumRetryAttempts).toBeLessThanOrEqual(10);
      expect(p.MaximumRecordAgeInSeconds).toBeGreaterThan(0);
      expect(JSON.stringify(p.EventSourceArn)).toMatch(/StreamArn/);
    }
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
