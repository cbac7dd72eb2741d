/** Nothing says `arn:aws` by hand: the app deploys to AWS China (aws-cn) unchanged. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/src/catalog.ts';
import { synth, type Synth } from './support.ts';

const allTemplates = (s: Synth) => Object.values(s.templates).map((t) => JSON.stringify(t.toJSON()));

describe('partition awareness', () => {
  it('builds every ARN from AWS::Partition when the environment is not known', () => {
    for (const json of allTemplates(synth())) expect(json).not.toMatch(/arn:aws(-cn|-us-gov)?:/);
  });

  it('uses the aws-cn partition when deployed to cn-north-1 and cn-northwest-1', () => {
    for (const region of ['cn-north-1', 'cn-northwest-1']) {
      const s = synth({ stage: 'prod' }, { account: '123456789012', region });
      for (const json of allTemplates(s)) expect(json).not.toMatch(/arn:aws:/);
    }
  });

  it('has no hard-coded arn:aws in the infra sources', () => {
    const dirs = [join(REPO_ROOT, 'infra', 'src'), join(REPO_ROOT, 'infra', 'bin')];
    for (const dir of dirs) {
      for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
        expect(readFileSync(join(dir, f), 'utf8'), f).not.toMatch(/arn:aws/);
      }
    }
  });
});
