/**
 * Secrets: the token signing key (generated here, 64 characters) and the WeChat AppSecret (set
 * by the operator after the first deploy: see README "Deploy to AWS"). Functions receive the
 * ARNs (TOKEN_SECRET_ARN, WECHAT_SECRET_ARN) and read permission, and read the values once at
 * cold start.
 */
import { RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { Settings } from './settings.ts';

export interface SecretsStackProps extends StackProps {
  settings: Settings;
}

export class SecretsStack extends Stack {
  readonly tokenSecret: Secret;
  readonly wechatSecret: Secret;

  constructor(scope: Construct, id: string, props: SecretsStackProps) {
    super(scope, id, props);
    const removalPolicy = props.settings.stage === 'prod' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.tokenSecret = new Secret(this, 'TokenSecret', {
      description: 'HS256 key for weishibao access tokens (TOKEN_SECRET): 64 random characters',
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy,
    });
    Validations.of(this.tokenSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Access tokens live one hour and are verified with a single key: rotating it signs everyone out. Rotate by hand (put-secret-value) when needed; a dual-key rotation lambda is future work.',
    });

    this.wechatSecret = new Secret(this, 'WechatSecret', {
      description: 'WeChat mini-program credentials {"appId","appSecret"}: replace the generated placeholder with the real values',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ appId: 'SET_ME' }),
        generateStringKey: 'appSecret',
        excludePunctuation: true,
      },
      removalPolicy,
    });
    Validations.of(this.wechatSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'The AppSecret is issued and reset in the WeChat admin console (mp.weixin.qq.com), which Secrets Manager rotation cannot call; it is updated by hand when reset there.',
    });
  }
}
