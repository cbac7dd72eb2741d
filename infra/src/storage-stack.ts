/**
 * Storage: the private photo bucket. Phones POST originals straight to `uploads/` (presigned,
 * 5 minutes, type and size bound); the photo function re-encodes them into `photos/` and
 * deletes the original, and a lifecycle rule removes any original left after a day. Nothing
 * is public: block public access, bucket-owner-enforced ownership, S3-managed encryption,
 * TLS 1.2+ only, server access logs to a second bucket.
 */
import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, HttpMethods, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { ORIGINALS_PREFIX } from './prefixes.ts';
import type { Settings } from './settings.ts';

export interface StorageStackProps extends StackProps {
  settings: Settings;
}

export class StorageStack extends Stack {
  readonly bucket: Bucket;
  readonly accessLogs: Bucket;
  /**
   * The bucket ARN under an export name of our choosing, for the prefix-scoped object grants in
   * the functions stack: their cdk-nag acknowledgments name the exact resource
   * (`<export>/uploads/*`), which an auto-generated export name would make unguessable.
   */
  readonly bucketArnExport: { name: string; importValue: string };

  constructor(scope: Construct, id: string, props: StorageStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const prod = settings.stage === 'prod';

    this.accessLogs = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      // server access log delivery supports SSE-S3 only
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(prod ? 365 : 30) }],
      // buckets are kept on stack deletion in every stage: empty and delete them by hand
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.bucket = new Bucket(this, 'Photos', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'photos/',
      lifecycleRules: [
        // originals carry EXIF (GPS!) until processed: never keep one longer than a day
        { id: 'expire-originals', prefix: ORIGINALS_PREFIX, expiration: Duration.days(1) },
        { id: 'abort-incomplete-multipart', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      cors: settings.appOrigins.length
        ? [
            {
              // browsers (the H5 app) POST the presigned form straight to the bucket
              allowedMethods: [HttpMethods.POST],
              allowedOrigins: settings.appOrigins,
              allowedHeaders: ['*'],
              exposedHeaders: ['ETag', 'Location'],
              maxAge: 3000,
            },
          ]
        : undefined,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const name = `${this.stackName}-PhotoBucketArn`;
    this.bucketArnExport = { name, importValue: this.exportValue(this.bucket.bucketArn, { name }) };
  }
}
