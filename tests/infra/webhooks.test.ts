/**
 * The webhook queue (city systems' Open311 webhooks): the KPI consumer queues the changes of the
 * requests an API key filed, events-webhooks calls the receivers. Like the push queue: encrypted,
 * TLS only, a dead-letter queue that alarms, messages hidden longer than the consumer runs; only
 * the sender is told the queue's URL and may send, only the consumer receives.
 */
import { describe, expect, it } from 'vitest';
import { WEBHOOK_QUEUE } from '../../functions/src/events/consumers.ts';
import { pascal } from '../../infra/src/functions-stack.ts';
import { synth } from './support.ts';

const s = synth();
const fns = s.templates.functions;
const queues = fns.findResources('AWS::SQS::Queue') as Record<string, any>;
const queueId = Object.keys(queues).find((k) => k.startsWith('WebhookQueue'))!;
const dlqId = Object.keys(queues).find((k) => k.startsWith('WebhookDeadLetters'))!;
const envOf = (name: string) => {
  const f = s.stacks.functions.byName(name);
  return (fns.findResources('AWS::Lambda::Function')[s.stacks.functions.getLogicalId(f.fn.node.defaultChild as any)] as any).Properties.Environment.Variables;
};

describe('the webhook queue', () => {
  it('is encrypted and redrives to its own dead-letter queue', () => {
    const q = queues[queueId]!.Properties;
    expect(q.SqsManagedSseEnabled).toBe(true);
    expect(q.VisibilityTimeout).toBe(WEBHOOK_QUEUE.visibilityTimeoutSeconds);
    expect(q.RedrivePolicy).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: WEBHOOK_QUEUE.maxReceiveCount });
  });

  it('is told only to the KPI consumer, whose code queues the changes', () => {
    const senders = s.stacks.functions.functions.filter((f) => f.access.webhookQueue).map((f) => f.spec.name);
    expect(senders).toEqual(['events-kpi']);
    for (const f of s.stacks.functions.functions) expect('WEBHOOK_QUEUE_URL' in envOf(f.spec.name), f.spec.name).toBe(f.access.webhookQueue);
  });

  it('is mapped to events-webhooks with partial batch responses and bounded concurrency', () => {
    const mappings = Object.values(s.templates.events.findResources('AWS::Lambda::EventSourceMapping')) as any[];
    const m = mappings.find((x) => JSON.stringify(x.Properties.EventSourceArn).includes('WebhookQueue'));
    expect(m, 'mapping').toBeDefined();
    expect(m.Properties).toMatchObject({ BatchSize: WEBHOOK_QUEUE.batchSize, FunctionResponseTypes: ['ReportBatchItemFailures'], ScalingConfig: { MaximumConcurrency: WEBHOOK_QUEUE.maxConcurrency } });
  });

  it('alarms on a dead-lettered call and on calls waiting more than 5 minutes', () => {
    const alarms = Object.keys(s.templates.observability.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.some((k) => k.startsWith('WebhookDeadLettersDepth'))).toBe(true);
    expect(alarms.some((k) => k.startsWith(`${pascal(WEBHOOK_QUEUE.consumer)}QueueAge`))).toBe(true);
  });
});
