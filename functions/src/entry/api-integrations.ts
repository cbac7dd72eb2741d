/** Lambda entry: the `integrations` routes (Open311 api_keys and webhooks of city systems). */
import * as routes from '#http/handlers/integrations';
import { functionHandler } from '#http/dispatch';

export const handler = functionHandler('integrations', routes);
