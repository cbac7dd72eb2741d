/** Local stack only: the `dev` routes (seeded sign-in). Never deployed: infra/ leaves localOnly rows out. */
import * as routes from '#http/handlers/dev';
import { functionHandler } from '#http/dispatch';

export const handler = functionHandler('dev', routes);
