/**
 * Photos end to end: straight upload to object storage, processing on the S3 event (metadata
 * stripped, display and thumbnail sizes, original deleted), private signed links that expire.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExifReader from 'exifreader';
import sharp from 'sharp';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { phonePhoto, photoWithExifThumbnail, pointIn, GRID, RESIDENT, RESIDENT2, WORKER, OTHER_WORKER } from '../support/fixtures.ts';

let stack: TestStack;
beforeAll(async () => {
  // Short-lived links, so the test can watch one expire.
  process.env.PHOTO_LINK_TTL_SECONDS = '2';
  // and short-lived upload links, so one can lapse
  process.env.UPLOAD_TTL_SECONDS = '2';
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe('photos', () => {
  it('strips all EXIF (GPS, camera) and bounds display and thumbnail sizes', async () => {
    const { api } = stack;
    const original = await phonePhoto(4000, 3000);
    const before = ExifReader.load(original);
    expect(before.GPSLatitude).toBeDefined();
    expect(before.Make?.description).toBe('TestPhone');

    const id = await api.uploadReady(RESIDENT, original);
    const r = await api.post('/v1/reports', { category: 'fire_equipment', description: '灭火器过期', location: await pointIn(api, GRID), photos: [id] }, RESIDENT);
    expect(r.status, r.text).toBe(201);
    const [photo] = r.json.photos;
    const display = Buffer.from(await (await fetch(photo.url)).arrayBuffer());
    const thumb = Buffer.from(await (await fetch(photo.thumbUrl)).arrayBuffer());
    for (const img of [display, thumb]) {
      const tags = ExifReader.load(img);
      expect(tags.GPSLatitude).toBeUndefined();
      expect(tags.GPSLongitude).toBeUndefined();
      expect(tags.Make).toBeUndefined();
      expect(tags.Model).toBeUndefined();
      expect((await sharp(img).metadata()).exif).toBeUndefined();
    }
    const d = await sharp(display).metadata();
    const t = await sharp(thumb).metadata();
    expect(Math.max(d.width!, d.height!)).toBe(1600);
    expect(Math.max(t.width!, t.height!)).toBe(320);
    // the original, which carried the GPS position, is gone from storage
    const originalUrl = `${stack.url}/${stack.bucket}/uploads/${id}`;
    const { S3Client, HeadObjectCommand } = await import('@aws-sdk/client-s3');
    const s3 = new S3Client({ endpoint: stack.s3Endpoint, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    await expect(s3.send(new HeadObjectCommand({ Bucket: stack.bucket, Key: `uploads/${id}` }))).rejects.toMatchObject({ name: 'NotFound' });
    expect((await fetch(originalUrl)).status).toBe(403);
  });

  it('serves photos only through links that expire, only to people allowed to see the report', async () => {
    const { api } = stack;
    const id = await api.uploadReady(RESIDENT, await phonePhoto());
    const r = await api.post('/v1/reports', { category: 'other', description: '楼梯间堆放纸箱', location: await pointIn(api, GRID), photos: [id] }, RESIDENT);
    const url = r.json.photos[0].url as string;
    expect(url).toContain('X-Amz-Signature');
    expect((await fetch(url)).status).toBe(200);
    // unsigned: refused
    expect((await fetch(url.split('?')[0]!)).status).toBe(403);
    // staff of the area get their own links; strangers get no report and no links
    const staffView = await api.get(`/v1/reports/${r.json.id}`, WORKER);
    expect(staffView.json.photos).toHaveLength(1);
    const stranger = await api.get(`/v1/reports/${r.json.id}`, OTHER_WORKER);
    expect(stranger.status).toBe(403);
    expect(stranger.text).not.toContain('X-Amz');
    expect((await api.get(`/v1/reports/${r.json.id}`, RESIDENT2)).status).toBe(403);
    await new Promise((res) => setTimeout(res, 3200));
    expect((await fetch(url)).status).toBe(403);
  });

  it('rejects a text file named .jpg by its bytes', async () => {
    const { api } = stack;
    const id = await api.upload(RESIDENT, Buffer.from('this is not an image, just text pretending'), 'image/jpeg');
    let status = '';
    let reason = '';
    for (let i = 0; i < 100 && status !== 'failed'; i++) {
      const s = await api.get(`/v1/uploads/${id}`, RESIDENT);
      status = s.json.status;
      reason = s.json.reason;
      await new Promise((res) => setTimeout(res, 30));
    }
    expect(status).toBe('failed');
    expect(reason).toBe('not_an_image');
    // and nobody else may even ask about it
    expect((await api.get(`/v1/uploads/${id}`, RESIDENT2)).status).toBe(404);
  });

  it('refuses an upload whose link lapsed before the photo arrived, and the expiry job marks it', async () => {
    const { api } = stack;
    const r = await api.post('/v1/uploads', { contentType: 'image/jpeg', size: 1000 }, RESIDENT);
    expect(r.status).toBe(201);
    expect(Date.parse(r.json.expiresAt) - Date.now()).toBeLessThanOrEqual(2000);
    await new Promise((res) => setTimeout(res, 2500));
    const status = await api.get(`/v1/uploads/${r.json.uploadId}`, RESIDENT);
    expect(status.json).toMatchObject({ status: 'failed', reason: 'expired' });
    const report = await api.post('/v1/reports', { category: 'other', description: '过期的照片', location: await pointIn(api, GRID), photos: [r.json.uploadId] }, RESIDENT);
    expect(report.status).toBe(400);
    expect(report.json.error).toMatchObject({ code: 'invalid_upload', details: { reason: 'expired' } });
    const { handler } = await import('../../functions/src/events/expire-uploads.ts');
    const out = await handler(new Date(Date.now() + 10 * 60_000));
    expect(out.expired).toBeGreaterThanOrEqual(1);
    expect((await api.get(`/v1/uploads/${r.json.uploadId}`, RESIDENT)).json).toMatchObject({ status: 'failed', reason: 'expired' });
  });

  it('a photo carrying GPS, camera make and an EXIF thumbnail comes back with no EXIF at all', async () => {
    const { api } = stack;
    const original = await photoWithExifThumbnail();
    const tags = ExifReader.load(original, { expanded: true });
    expect(tags.exif?.Make?.description).toBe('ThumbCam');
    expect(tags.gps?.Latitude).toBeCloseTo(22.54, 2);
    expect(tags.Thumbnail?.image).toBeDefined();
    const id = await api.uploadReady(RESIDENT, original);
    const r = await api.post('/v1/reports', { category: 'other', description: '带缩略图的照片', location: await pointIn(api, GRID), photos: [id] }, RESIDENT);
    expect(r.status, r.text).toBe(201);
    for (const url of [r.json.photos[0].url, r.json.photos[0].thumbUrl]) {
      const img = Buffer.from(await (await fetch(url)).arrayBuffer());
      const after = ExifReader.load(img, { expanded: true });
      expect(after.exif).toBeUndefined();
      expect(after.gps).toBeUndefined();
      expect(after.Thumbnail).toBeUndefined();
      // and no APP1 (Exif/XMP) segment at all in the file
      expect(img.includes(Buffer.from('Exif\0\0', 'latin1'))).toBe(false);
    }
  });
});
