/**
 * The message-push format (notify/wechat-push): WeChat's own sample vector from its WXBizMsgCrypt
 * demo decrypts and verifies; what we seal opens; the push XML reader takes WeChat's shapes and
 * refuses others; openPush takes plaintext or safe mode as configured and nothing else; media-check
 * events (v2 and v1, JSON and XML, verdicts and errcodes) read as verdicts or failures.
 */
import { describe, expect, it } from 'vitest';
import {
  decryptPush,
  encryptPush,
  msgSignature,
  openPush,
  parseMediaCheckEvent,
  parsePushXml,
  pushSignature,
  PushRefused,
  sealPush,
  toPushXml,
} from '../../../functions/src/notify/wechat-push.ts';

// The sample of WeChat's message encryption demo (Sample.py / Sample.cpp of WXBizMsgCrypt).
const SAMPLE = {
  token: 'spamtest',
  encodingAESKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  appid: 'wx2c2769f8efd9abc2',
  timestamp: '1409735669',
  nonce: '1320562132',
  msgSignature: '5d197aaffba7e9b25a30732f161a50dee96bd5fa',
  encrypt:
    'hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=',
};

describe("WeChat's sample vector", () => {
  it('msg_signature and decryption match the demo', () => {
    expect(msgSignature(SAMPLE.token, SAMPLE.timestamp, SAMPLE.nonce, SAMPLE.encrypt)).toBe(SAMPLE.msgSignature);
    const { message, appid } = decryptPush(SAMPLE.encodingAESKey, SAMPLE.encrypt);
    expect(appid).toBe(SAMPLE.appid);
    expect(parsePushXml(message)).toEqual({ ToUserName: 'gh_10f6c3c3ac5a', FromUserName: 'oyORnuP8q7ou2gfYjqLzSIWZf0rs', CreateTime: '1409735668', MsgType: 'text', Content: 'abcdteT', MsgId: '6054768590064713728' });
  });

  it('openPush takes the sample as WeChat posts it (XML envelope, safe-mode query)', () => {
    const body = `<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><Encrypt><![CDATA[${SAMPLE.encrypt}]]></Encrypt></xml>`;
    const query = { signature: pushSignature(SAMPLE.token, SAMPLE.timestamp, SAMPLE.nonce), timestamp: SAMPLE.timestamp, nonce: SAMPLE.nonce, encrypt_type: 'aes', msg_signature: SAMPLE.msgSignature };
    expect(openPush({ query, body, token: SAMPLE.token, encodingAESKey: SAMPLE.encodingAESKey, appId: SAMPLE.appid })).toMatchObject({ MsgType: 'text', Content: 'abcdteT' });
  });

  it('what we encrypt (with the demo\'s fixed random bytes) decrypts to the same message', () => {
    const enc = encryptPush(SAMPLE.encodingAESKey, '我是中文abcd123', 'wxb11529c136998cb6', Buffer.from('aaaabbbbccccdddd'));
    // the Java demo's expected ciphertext for this message, appid and random string
    expect(enc).toBe('jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==');
    expect(decryptPush(SAMPLE.encodingAESKey, enc)).toEqual({ message: '我是中文abcd123', appid: 'wxb11529c136998cb6' });
  });
});

describe('push XML', () => {
  it('reads WeChat\'s media-check event shape: CDATA, numbers as text, nested result, repeated detail', () => {
    const xml = `<xml><ToUserName><![CDATA[gh_38cc49f9733b]]></ToUserName><CreateTime>1626959646</CreateTime><Event><![CDATA[wxa_media_check]]></Event>
      <trace_id><![CDATA[60f96f1d-3845297a-1976a3ae]]></trace_id><version>2</version>
      <detail><strategy><![CDATA[content_model]]></strategy><errcode>0</errcode><suggest><![CDATA[pass]]></suggest><label>100</label><prob>90</prob></detail>
      <detail><strategy><![CDATA[keyword]]></strategy><errcode>0</errcode></detail>
      <errcode>0</errcode><errmsg><![CDATA[ok]]></errmsg><result><suggest><![CDATA[pass]]></suggest><label>100</label></result></xml>`;
    const e = parsePushXml(xml);
    expect(e.detail).toHaveLength(2);
    expect(e.result).toEqual({ suggest: 'pass', label: '100' });
    expect(parseMediaCheckEvent(e)).toEqual({ traceId: '60f96f1d-3845297a-1976a3ae', suggest: 'pass', label: 100 });
  });

  it('round-trips what the stand-in writes, including "]]>" and entities', () => {
    const fields = { a: 'x]]>y', b: 7, c: { d: '<&>' }, e: ['1', '2'] };
    expect(parsePushXml(toPushXml(fields))).toEqual({ a: 'x]]>y', b: '7', c: { d: '<&>' }, e: ['1', '2'] });
    expect(parsePushXml('<?xml version="1.0"?><xml><a>&lt;b&gt; &#x4e2d;&#25991;</a></xml>')).toEqual({ a: '<b> 中文' });
  });

  it('refuses anything else', () => {
    for (const bad of ['<xml><a>1</b></xml>', '<root><a>1</a></root>', '<xml><a x="1">1</a></xml>', '<xml><a>1</a></xml><more/>', '<xml>text<a>1</a></xml>', '<xml><a><![CDATA[1</a></xml>']) {
      expect(() => parsePushXml(bad), bad).toThrow(PushRefused);
    }
  });
});

describe('openPush', () => {
  const token = 'push-token';
  const key = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq';
  const appId = 'wx0123456789abcdef';
  const event = { ToUserName: 'gh_x', Event: 'wxa_media_check', trace_id: 't-1', version: 2, errcode: 0, errmsg: 'ok', result: { suggest: 'risky', label: 20002 } };
  const opened = (sealed: { query: Record<string, string>; body: string }, encodingAESKey: string | null) => openPush({ query: sealed.query, body: sealed.body, token, encodingAESKey, appId });

  it('plaintext mode: JSON or XML signed with the token; an encrypted push is refused', () => {
    for (const format of ['json', 'xml'] as const) {
      const plain = sealPush({ message: event, format, token, safe: null });
      expect(parseMediaCheckEvent(opened(plain, null))).toEqual({ traceId: 't-1', suggest: 'risky', label: 20002 });
      expect(() => openPush({ ...plain, token: 'other', encodingAESKey: null, appId })).toThrow(/bad signature/);
    }
    const safe = sealPush({ message: event, format: 'json', token, safe: { encodingAESKey: key, appid: appId } });
    expect(() => opened(safe, null)).toThrow(expect.objectContaining({ reason: 'mode' }));
  });

  it('safe mode: only encrypted pushes, their msg_signature checked, for our appid', () => {
    for (const format of ['json', 'xml'] as const) {
      const safe = sealPush({ message: event, format, token, safe: { encodingAESKey: key, appid: appId } });
      expect(safe.query.encrypt_type).toBe('aes');
      expect(safe.body).not.toContain('t-1');
      expect(parseMediaCheckEvent(opened(safe, key))).toEqual({ traceId: 't-1', suggest: 'risky', label: 20002 });
      // tampered ciphertext: the signature no longer covers it
      const tampered = { ...safe, body: safe.body.replace(/Encrypt(["\]>:[\sCDATA]+)(.)/, (m, p, c: string) => `Encrypt${p}${c === 'A' ? 'B' : 'A'}`) };
      expect(() => opened(tampered, key)).toThrow(expect.objectContaining({ reason: 'signature' }));
    }
    const plain = sealPush({ message: event, format: 'json', token, safe: null });
    expect(() => opened(plain, key)).toThrow(expect.objectContaining({ reason: 'mode' }));
    const foreign = sealPush({ message: event, format: 'json', token, safe: { encodingAESKey: key, appid: 'wxffffffffffffffff' } });
    expect(() => opened(foreign, key)).toThrow(expect.objectContaining({ reason: 'appid' }));
    const otherKey = sealPush({ message: event, format: 'json', token, safe: { encodingAESKey: SAMPLE.encodingAESKey, appid: appId } });
    expect(() => opened(otherKey, key)).toThrow(expect.objectContaining({ reason: 'format' }));
  });
});

describe('wxa_media_check events', () => {
  const base = { Event: 'wxa_media_check', trace_id: 't-2' };
  it('a non-zero errcode is a failure with WeChat\'s reason, whatever else the event carries', () => {
    expect(parseMediaCheckEvent({ ...base, version: 2, errcode: -1008, errmsg: 'download failed', detail: [{ strategy: 'content_model', errcode: -1008 }] })).toEqual({ traceId: 't-2', error: { errcode: -1008, errmsg: 'download failed' } });
    expect(parseMediaCheckEvent({ ...base, errcode: '-1008', errmsg: 'x', result: { suggest: 'pass', label: 100 } })).toEqual({ traceId: 't-2', error: { errcode: -1008, errmsg: 'x' } });
  });
  it('v1: isrisky, and status_code (unsigned) for a failed check', () => {
    expect(parseMediaCheckEvent({ ...base, isrisky: 1, status_code: 0 })).toEqual({ traceId: 't-2', suggest: 'risky', label: 21000 });
    expect(parseMediaCheckEvent({ ...base, isrisky: '0', status_code: '0' })).toEqual({ traceId: 't-2', suggest: 'pass', label: 100 });
    expect(parseMediaCheckEvent({ ...base, isrisky: 0, status_code: 4294966288 })).toEqual({ traceId: 't-2', error: { errcode: -1008, errmsg: 'v1 status_code' } });
  });
  it('refuses what is not a verdict', () => {
    expect(() => parseMediaCheckEvent({ ...base, result: { suggest: 'maybe', label: 1 } })).toThrow(/suggest/);
    expect(() => parseMediaCheckEvent({ Event: 'wxa_media_check' })).toThrow(/trace_id/);
    expect(() => parseMediaCheckEvent({ ...base })).toThrow(/no result/);
  });
});
