/** The photo bucket is private, TLS-only, encrypted, and forgets originals within a day. */
import { describe, expect, it } from 'vitest';
import { Match } from 'aws-cdk-lib/assertions';
import { ORIGINALS_PREFIX } from '../../infra/src/prefixes.ts';
import { asArray, synth } from './support.ts';

describe('storage stack', () => {
  const s = synth();
  const buckets = s.templates.storage.findResources('AWS::S3::Bucket') as Record<string, any>;
  const photosId = s.stacks.storage.getLogicalId(s.stacks.storage.bucket.node.defaultChild as any);
  const photos = buckets[photosId];

  it('blocks every kind of public access on every bucket', () => {
    expect(Object.keys(buckets)).toHaveLength(2);
    for (const b of Object.values(buckets)) {
      expect(b.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(b.Properties.OwnershipControls.Rules[0].ObjectOwnership).toBe('BucketOwnerEnforced');
      expect(b.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
    }
  });

  it('denies requests without TLS (and below TLS 1.2) in each bucket policy', () => {
    const policies = s.templates.storage.findResources('AWS::S3::BucketPolicy') as Record<string, any>;
    expect(Object.keys(policies)).toHaveLength(2);
    for (const p of Object.values(policies)) {
      const st = p.Properties.PolicyDocument.Statement as any[];
      const tls = st.find((x) => x.Effect === 'Deny' && x.Condition?.Bool?.['aws:SecureTransport'] === 'false');
      expect(tls).toBeDefined();
      expect(tls.Principal).toEqual({ AWS: '*' });
      expect(asArray(tls.Action)).toContain('s3:*');
      expect(st.some((x) => x.Effect === 'Deny' && x.Condition?.NumericLessThan?.['s3:TlsVersion'] === 1.2)).toBe(true);
    }
    const photoPolicy = Object.values(policies).find((p) => JSON.stringify(p.Properties.Bucket).includes(photosId))!;
    expect(photoPolicy.Properties.PolicyDocument.Statement.every((x: any) => x.Effect === 'Deny')).toBe(true);
  });

  it('expires originals under uploads/ after one day and logs access to the log bucket', () => {
    expect(photos.Properties.LifecycleConfiguration.Rules).toEqual(
      expect.arrayContaining([expect.objectContaining({ Prefix: ORIGINALS_PREFIX, ExpirationInDays: 1, Status: 'Enabled' })]),
    );
    expect(photos.Properties.LoggingConfiguration.DestinationBucketName).toEqual({ Ref: expect.stringMatching(/^AccessLogs/) });
  });

  it('allows browser POST uploads from the configured origins only', () => {
    expect(photos.Properties.CorsConfiguration.CorsRules).toEqual([
      expect.objectContaining({ AllowedMethods: ['POST'], AllowedOrigins: ['http://localhost:3000', 'http://127.0.0.1:3000'] }),
    ]);
    const prod = synth({ stage: 'prod', appOrigins: 'https://h5.example.cn' });
    prod.templates.storage.hasResourceProperties('AWS::S3::Bucket', {
      CorsConfiguration: { CorsRules: [Match.objectLike({ AllowedOrigins: ['https://h5.example.cn'] })] },
    });
    expect(() => synth({ stage: 'prod', appOrigins: 'http://h5.example.cn' })).toThrow(/https/);
    expect(() => synth({ appOrigins: 'https://*.example.cn' })).toThrow(/not an origin/);
  });

  it('keeps buckets when a stack is deleted', () => {
    for (const b of Object.values(buckets)) expect(b.DeletionPolicy).toBe('Retain');
  });
});
