/**
 * Before the first push of a container: do this deployment's templates (WECHAT_TEMPLATES, see
 * notify/templates.ts) match the account's own template list (getTemplateList)? A template id the
 * account lacks, a wrong type, or keyword keys that differ would make every push of that kind fail
 * with 40037 / 43101 / 47003 — one dead letter per message. Instead the first push fails loudly:
 * TemplateConfigError (not a WeChat error, so the push consumer's invocation fails and its error
 * alarm fires) with every mismatch named, logged once. The answer, match or mismatch, is kept
 * for the container's life (a deploy changes the configuration); WeChat being unreachable is not
 * (a WechatError: the push retries it like a send).
 */
import { logger } from '#log';
import { getTemplateList } from '#notify/wechat';
import { checkTemplateList, configuredTemplates, TemplateConfigError } from '#notify/templates';

let verified: Promise<void> | undefined;

async function verify(): Promise<void> {
  const templates = configuredTemplates();
  const { problems, unchecked } = checkTemplateList(templates, await getTemplateList());
  if (unchecked.length) logger.warn('subscribe-message templates listed without content: keyword keys not checked', { kinds: unchecked });
  if (problems.length) {
    logger.error('subscribe-message templates do not match the account: no push will be sent', { problems });
    throw new TemplateConfigError(problems);
  }
}

/** Resolves once the configuration matched the account; rejects with TemplateConfigError or a WechatError. */
export function verifyTemplatesOnce(): Promise<void> {
  verified ??= verify().catch((e: unknown) => {
    if (!(e instanceof TemplateConfigError)) verified = undefined; // WeChat busy or unreachable: ask again next time
    throw e;
  });
  return verified;
}

/** Forget the result (tests that change the account's list or the configuration). */
export function resetTemplateCheck(): void {
  verified = undefined;
}
