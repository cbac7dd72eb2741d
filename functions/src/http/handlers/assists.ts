/** Assists: asking for help on a report, the recommendation, and the responder's and requester's steps. */
import { requestAssist } from '#flows/assists';
import { acceptOffer, arriveOffer, declineOffer, finishOffer, rateOffer } from '#flows/assist-responses';
import { assistsOfReport, myOffers, readAssist } from '#flows/assist-reads';
import { recommendationsFor } from '#flows/recommend';
import { assistView, offerView } from '#http/views-assists';
import type { Handler } from '#http/handler';

export const request: Handler<'assists.request'> = async ({ user, params, body }) => {
  const now = new Date();
  const { assist, offers } = await requestAssist(user, params.id, body, now);
  return { status: 201, body: await assistView(assist, offers, now) };
};

export const ofReport: Handler<'assists.ofReport'> = async ({ user, params }) => {
  const now = new Date();
  const all = await assistsOfReport(user, params.id);
  return { body: { items: await Promise.all(all.map((a) => assistView(a.assist, a.offers, now))) } };
};

export const recommendations: Handler<'assists.recommendations'> = async ({ user, params }) => ({ body: await recommendationsFor(user, params.id, new Date()) });

export const list: Handler<'assists.list'> = async ({ user, query }) => {
  const now = new Date();
  const page = await myOffers(user, query.state, query.limit, query.cursor);
  return { body: { items: await Promise.all(page.items.map((o) => offerView(o, null, now))), cursor: page.cursor } };
};

export const get: Handler<'assists.get'> = async ({ user, params }) => {
  const now = new Date();
  const read = await readAssist(user, params.id);
  return { body: read.as === 'responder' ? await offerView(read.offer, read.assist.assist, now) : await assistView(read.assist.assist, read.assist.offers, now) };
};

export const accept: Handler<'assists.accept'> = async ({ user, params }) => ({ body: await offerView(await acceptOffer(user, params.id, new Date()), null, new Date()) });
export const decline: Handler<'assists.decline'> = async ({ user, params, body }) => ({ body: await offerView(await declineOffer(user, params.id, body.reason, new Date()), null, new Date()) });
export const arrive: Handler<'assists.arrive'> = async ({ user, params, body }) => ({ body: await offerView(await arriveOffer(user, params.id, body, new Date()), null, new Date()) });
export const done: Handler<'assists.done'> = async ({ user, params, body }) => ({ body: await offerView(await finishOffer(user, params.id, body, new Date()), null, new Date()) });

export const rate: Handler<'assists.rate'> = async ({ user, params, body }) => {
  const rated = await rateOffer(user, params.id, body, new Date());
  return { body: { volunteerId: rated.userId, state: rated.state, rating: rated.rating } };
};
