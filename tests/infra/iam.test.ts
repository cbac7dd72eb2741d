/**
 * Least privilege: no wildcard actions, no `*` resources, nothing on the table or bucket beyond
 * what access.ts grants (walks every IAM policy of every stack).
 */
import { describe, expect, it } from 'vitest';
import type { CfnPolicy } from 'aws-cdk-lib/aws-iam';
import { accessOf } from '../../infra/src/access.ts';
import { functionSpecs } from '../../infra/src/catalog.ts';
import { asArray, iamStatements, synth } from './support.ts';

describe('IAM', () => {
  const s = synth();
  const statements = iamStatements(s);

  it('has policies to check', () => {
    expect(statements.length).toBeGreaterThan(20);
  });

  it('grants no wildcard action and no `*` resource anywhere', () => {
    for (const { where, statement } of statements) {
      if (statement.Effect !== 'Allow') continue;
      for (const a of asArray<string>(statement.Action)) expect(a, `${where}: action ${a}`).not.toContain('*');
      for (const r of asArray<unknown>(statement.Resource)) expect(r, `${where}: resource *`).not.toBe('*');
    }
  });

  it('gives table actions only on the table, its named indexes and its stream', () => {
    for (const { where, statement } of statements) {
      const actions = asArray<string>(statement.Action).filter((a) => a.startsWith('dynamodb:'));
      if (!actions.length) continue;
      for (const r of asArray<unknown>(statement.Resource)) {
        const text = JSON.stringify(r);
        // functions reach the table through the data stack's exports; in the data stack itself,
        // AWS Backup's role names it directly (and its own backups)
        if (where.startsWith('Weishibao-dev-Data/')) expect(text, where).toMatch(/^\{"Fn::GetAtt":\["Table\w+","Arn"\]\}$|"Fn::GetAtt":\["Table\w+","Arn"\]\},"\/backup\/\*"/);
        else expect(text, where).toMatch(/Weishibao-dev-Data:ExportsOutputFnGetAttTable\w+(Arn|StreamArn)\w*"/);
        if (text.includes('/index/')) expect(text, where).toMatch(/\/index\/GSI\d+"/);
      }
      expect(actions, `${where}: Scan is for admin tools, not functions`).not.toContain('dynamodb:Scan');
    }
  });

  it('gives object storage actions only on the photo bucket or one of its prefixes', () => {
    for (const { where, statement } of statements) {
      const actions = asArray<string>(statement.Action).filter((a) => a.startsWith('s3:'));
      if (!actions.length) continue;
      for (const r of asArray<unknown>(statement.Resource)) {
        const text = JSON.stringify(r);
        expect(text, where).toMatch(/PhotoBucketArn"\}, "\/(uploads|photos|areas)\/\*"|Weishibao-dev-Storage[:-]\w*Photos\w*Arn\w*"|Weishibao-dev-Storage-PhotoBucketArn/);
      }
    }
  });

  it('matches access.ts: read-only groups cannot write, functions without bucket access have no s3 actions', () => {
    for (const spec of functionSpecs()) {
      const access = accessOf(spec);
      const role = s.stacks.functions.byName(spec.name).role;
      const policy = role.node.findChild('DefaultPolicy').node.defaultChild as CfnPolicy;
      const own = statements.filter((x) => x.where === `Weishibao-dev-Functions/${s.stacks.functions.getLogicalId(policy)}`);
      expect(own.length, spec.name).toBeGreaterThan(0);
      const actions = new Set(own.flatMap((x) => asArray<string>(x.statement.Action)));
      if (access.table !== 'readwrite') expect([...actions].filter((a) => /dynamodb:(Put|Update|Delete|BatchWrite)/.test(a)), spec.name).toEqual([]);
      if (access.bucket.length === 0) expect([...actions].filter((a) => a.startsWith('s3:')), spec.name).toEqual([]);
      expect(actions.has('secretsmanager:GetSecretValue'), spec.name).toBe(access.tokenSecret || access.wechatSecret);
    }
  });

  it('uses no AWS-managed policies (each role writes only to its own log group)', () => {
    for (const { resource, id } of s.resources('AWS::IAM::Role')) expect(resource.Properties?.ManagedPolicyArns, id).toBeUndefined();
  });
});
