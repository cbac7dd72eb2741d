/** Lambda entry: the `expire-uploads` row of the schedule table. */
import { handler as run } from '#events/expire-uploads';

export const handler = async () => run();
