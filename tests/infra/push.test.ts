/**
 * The push queue: the notifier queues pushes instead of making them (issue 12.2), the queue's
 * consumer sends them. Encrypted, TLS only; messages come back only after the invocation that
 * held them is over; a message failing every receive goes to a dead-letter queue that alarms; the
 * notifier may only send to the queue (and is told where it is), the consumer only receive.
 */
import { describe, expect, it } from 'vitest';
import { PUSH_QUEUE, WEBHOOK_QUEUE } from '../../functions/src/events/consumers.ts';
import { pascal } from '../../infra/src/functions-stack.ts';
import { asArray, iamStatements, synth } from './support.ts';

const s = synth();
const fns = s.templates.functions;
const queues = fns.findResources('AWS::SQS::Queue') as Record<string, any>;
const queueId = Object.keys(queues).find((k) => k.startsWith('PushQueue'))!;
const dlqId = Object.keys(queues).find((k) => k.startsWith('PushDeadLetters'))!;
const fnProps = (name: string) => {
  const f = s.stacks.functions.byName(name);
  return (fns.findResources('AWS::Lambda::Function')[s.stacks.functions.getLogicalId(f.fn.node.defaultChild as any)] as any).Properties;
};
/** the SQS actions each function's policies grant, by function */
const sqsActions = (name: string) => {
  const role = s.stacks.functions.getLogicalId(s.stacks.functions.byName(name).role.node.defaultChild as any);
  return iamStatements(s)
    .filter((x) => JSON.stringify(x.statement).includes(role) || x.where.includes(pascal(name)))
    .flatMap((x) => asArray<string>(x.statement.Action))
    .filter((a) => a.startsWith('sqs:'));
};

describe('the push queue', () => {
  it('is encrypted, redrives to its dead-letter queue after PUSH_QUEUE.maxReceiveCount receives, and hides a message longer than the consumer runs', () => {
    expect(queueId && dlqId).toBeTruthy();
    const q = queues[queueId]!.Properties;
    expect(q.SqsManagedSseEnabled).toBe(true);
    expect(q.RedrivePolicy).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: PUSH_QUEUE.maxReceiveCount });
    const timeout = fnProps(PUSH_QUEUE.consumer).Timeout as number;
    expect(q.VisibilityTimeout).toBe(PUSH_QUEUE.visibilityTimeoutSeconds);
    expect(q.VisibilityTimeout).toBeGreaterThanOrEqual(6 * timeout);
    expect(queues[dlqId]!.Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    for (const p of Object.values(fns.findResources('AWS::SQS::QueuePolicy')) as any[]) {
      expect(p.Properties.PolicyDocument.Statement.some((x: any) => x.Effect === 'Deny' && x.Condition?.Bool?.['aws:SecureTransport'] === 'false')).toBe(true);
    }
  });

  it('is named to the functions whose code queues pushes, and only those may send to it', () => {
    const senders = s.stacks.functions.functions.filter((f) => f.access.pushQueue).map((f) => f.spec.name);
    expect(senders).toEqual(['events-stream']);
    for (const f of s.stacks.functions.functions) {
      const env = fnProps(f.spec.name).Environment.Variables;
      expect('PUSH_QUEUE_URL' in env, f.spec.name).toBe(f.access.pushQueue);
      const actions = sqsActions(f.spec.name);
      if (f.access.pushQueue) expect(actions, f.spec.name).toEqual(expect.arrayContaining(['sqs:SendMessage']));
      // each queue's own consumer receives (the webhook queue's: tests/infra/webhooks.test.ts)
      if (f.spec.name === PUSH_QUEUE.consumer || f.spec.name === WEBHOOK_QUEUE.consumer) expect(actions).toEqual(expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage']));
      else expect(actions.filter((a) => a === 'sqs:ReceiveMessage' || a === 'sqs:DeleteMessage'), f.spec.name).toEqual([]);
    }
    expect(sqsActions(PUSH_QUEUE.consumer)).not.toContain('sqs:SendMessage');
  });

  it('alarms on a dead-lettered message and on pushes waiting more than 5 minutes', () => {
    const alarms = s.templates.observability.findResources('AWS::CloudWatch::Alarm') as Record<string, any>;
    const depth = Object.entries(alarms).find(([k]) => k.startsWith('PushDeadLettersDepth'));
    expect(depth, 'DLQ depth alarm').toBeDefined();
    expect(depth![1].Properties).toMatchObject({ MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 1 });
    const age = Object.entries(alarms).find(([k]) => k.startsWith(`${pascal(PUSH_QUEUE.consumer)}QueueAge`));
    expect(age, 'queue age alarm').toBeDefined();
    expect(age![1].Properties).toMatchObject({ MetricName: 'ApproximateAgeOfOldestMessage', Namespace: 'AWS/SQS', Threshold: 300 });
  });
});
