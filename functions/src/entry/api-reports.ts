/** Lambda entry: the `reports` routes of the route table. */
import * as routes from '#http/handlers/reports';
import { functionHandler } from '#http/dispatch';

export const handler = functionHandler('reports', routes);
