/**
 * cdk-nag's AwsSolutions pack passes with no unacknowledged error, in both stages, and every
 * acknowledgment says why. (cdk-nag 3 is a CDK policy-validation plugin: `npm run synth` runs it
 * via Validations.of(app).addPlugins; here the same pack walks the tree with validateScope.)
 */
import { describe, expect, it, vi } from 'vitest';
import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildStacks, createApp } from '../../infra/src/app.ts';
import { synth, type Synth } from './support.ts';

const variants: Record<string, () => Synth> = {
  dev: () => synth(),
  'prod with domain, origins and alarm email': () =>
    synth({
      stage: 'prod',
      apiDomain: 'api.example.cn',
      certificateArn: 'arn:aws-cn:acm:cn-north-1:123456789012:certificate/abc',
      appOrigins: 'https://h5.example.cn',
      alarmEmail: 'ops@example.cn',
    }),
};

function acknowledgments(s: Synth): { path: string; id: string; reason: string }[] {
  const out: { path: string; id: string; reason: string }[] = [];
  for (const c of s.app.node.findAll()) {
    for (const m of c.node.metadata) {
      if (m.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY || !m.data) continue;
      for (const [id, reason] of Object.entries(m.data as Record<string, unknown>)) out.push({ path: c.node.path, id: id.replace(/^annotation::/i, ''), reason: String(reason) });
    }
  }
  return out;
}

describe('cdk-nag AwsSolutions', () => {
  for (const [name, make] of Object.entries(variants)) {
    it(`has no unacknowledged error or warning (${name})`, () => {
      const report = new AwsSolutionsChecks().validateScope(make().app);
      const found = report.violations.map((v) => `${v.severity} ${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
      expect(found).toEqual([]);
      expect(report.success).toBe(true);
    });
  }

  it('gives each acknowledgment a written reason', () => {
    const acks = acknowledgments(synth());
    expect(acks.length).toBeGreaterThan(0);
    for (const a of acks) {
      expect(a.id, a.path).toMatch(/^AwsSolutions-[A-Z]+\d+(\[.+\])?$/);
      expect(a.reason.length, `${a.path} ${a.id}: "${a.reason}"`).toBeGreaterThanOrEqual(60);
    }
  });

  it('acknowledges nothing that would pass anyway (no stale acknowledgments)', () => {
    // the same app with every acknowledgment dropped: each acknowledgment must match a finding
    const spy = vi.spyOn(Validations.prototype, 'acknowledge').mockImplementation(() => undefined);
    let findings: { rule: string; path: string }[];
    try {
      const bare = createApp({ bundle: 'false' });
      buildStacks(bare);
      findings = new AwsSolutionsChecks()
        .validateScope(bare)
        .violations.flatMap((v) => v.violatingResources.map((r) => ({ rule: v.ruleName, path: r.constructPath ?? '' })));
    } finally {
      spy.mockRestore();
    }
    for (const a of acknowledgments(synth())) {
      expect(findings.some((f) => f.rule === a.id && (f.path === a.path || f.path.startsWith(`${a.path}/`))), `${a.path}: ${a.id}`).toBe(true);
    }
  });

  it('acknowledges IAM5 only for object-key prefixes of the photo bucket and the table\'s own backups', () => {
    for (const a of acknowledgments(synth()).filter((x) => x.id.startsWith('AwsSolutions-IAM5'))) {
      expect(a.id).toMatch(/^AwsSolutions-IAM5\[Resource::(Weishibao-dev-Storage-PhotoBucketArn\/(uploads|photos|areas)\/\*|<Table\w+\.Arn>\/backup\/\*)\]$/);
    }
  });
});
