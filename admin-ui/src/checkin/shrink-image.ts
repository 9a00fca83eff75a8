// Photos from a phone camera are several MB: redrawn on a canvas at most 1280 px wide and
// re-encoded as JPEG until they fit the server's 300 KB limit.
export const MAX_UPLOAD_BYTES = 300 * 1024;

const toBlob = (canvas: HTMLCanvasElement, quality: number) =>
  new Promise<Blob>((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('encoding failed'))), 'image/jpeg', quality),
  );

export async function shrinkImage(file: Blob, limit = MAX_UPLOAD_BYTES): Promise<Blob> {
  const bitmap = await createImageBitmap(file);
  let scale = Math.min(1, 1280 / Math.max(bitmap.width, bitmap.height));
  try {
    for (;;) {
      const canvas = document.createElement('canvas');
      canvas.width = Math.max(1, Math.round(bitmap.width * scale));
      canvas.height = Math.max(1, Math.round(bitmap.height * scale));
      const g = canvas.getContext('2d');
      if (!g) throw new Error('no canvas');
      g.fillStyle = '#fff';
      g.fillRect(0, 0, canvas.width, canvas.height);
      g.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      for (const q of [0.85, 0.7, 0.55, 0.4]) {
        const blob = await toBlob(canvas, q);
        if (blob.size <= limit) return blob;
      }
      if (canvas.width < 200) throw new Error('image cannot be made small enough');
      scale *= 0.7;
    }
  } finally {
    bitmap.close();
  }
}
