/**
 * Synthesises the CDK app in-process, once per context per test file, with stub function code
 * (context bundle=false: no esbuild runs, templates are otherwise identical to `npm run synth`).
 */
import type { App, Environment, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildStacks, createApp, type WeishibaoStacks } from '../../infra/src/app.ts';

export interface Synth {
  app: App;
  stacks: WeishibaoStacks;
  /** template of each stack by its short concern name */
  templates: Record<'secrets' | 'data' | 'storage' | 'functions' | 'api' | 'events' | 'observability', Template>;
  template(stack: Stack): Template;
  /** every resource of every stack, with the stack it is in */
  resources(type: string): { stack: string; id: string; resource: CfnJson }[];
}

export type CfnJson = { Type: string; Properties?: Record<string, any>; DependsOn?: string[] | string; Metadata?: Record<string, unknown> };

const cache = new Map<string, Synth>();

export function synth(context: Record<string, unknown> = {}, env?: Environment): Synth {
  const key = JSON.stringify({ context, env });
  const hit = cache.get(key);
  if (hit) return hit;
  const app = createApp({ bundle: 'false', ...context });
  const stacks = buildStacks(app, env);
  const byStack = new Map<Stack, Template>();
  for (const s of stacks.all) byStack.set(s, Template.fromStack(s));
  const t = (s: Stack) => byStack.get(s)!;
  const out: Synth = {
    app,
    stacks,
    templates: {
      secrets: t(stacks.secrets),
      data: t(stacks.data),
      storage: t(stacks.storage),
      functions: t(stacks.functions),
      api: t(stacks.api),
      events: t(stacks.events),
      observability: t(stacks.observability),
    },
    template: t,
    resources(type) {
      const found: { stack: string; id: string; resource: CfnJson }[] = [];
      for (const [s, tpl] of byStack) {
        for (const [id, resource] of Object.entries(tpl.findResources(type) as Record<string, CfnJson>)) found.push({ stack: s.stackName, id, resource });
      }
      return found;
    },
  };
  cache.set(key, out);
  return out;
}

/** Statement lists of every IAM policy (AWS::IAM::Policy and roles' inline policies) in the app. */
export function iamStatements(s: Synth): { where: string; statement: Record<string, any> }[] {
  const out: { where: string; statement: Record<string, any> }[] = [];
  for (const { stack, id, resource } of s.resources('AWS::IAM::Policy')) {
    for (const st of resource.Properties?.PolicyDocument?.Statement ?? []) out.push({ where: `${stack}/${id}`, statement: st });
  }
  for (const { stack, id, resource } of s.resources('AWS::IAM::Role')) {
    for (const p of resource.Properties?.Policies ?? []) {
      for (const st of p.PolicyDocument?.Statement ?? []) out.push({ where: `${stack}/${id}/${p.PolicyName}`, statement: st });
    }
  }
  return out;
}

export const asArray = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);
