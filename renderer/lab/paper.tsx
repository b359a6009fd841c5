/**
 * A printed ticket as the paper looks: the fake printer's decoded items (text lines with their
 * alignment, emphasis and character size; QR codes with their payload, drawn again here).
 */
import { useEffect, useState } from 'preact/hooks';
import QRCode from 'qrcode';

export type PaperItem =
  | { type: 'text'; text: string; align: 'left' | 'center' | 'right'; runs: { text: string; bold: boolean; width: number; height: number }[] }
  | { type: 'qr'; data: string; moduleSize: number; align: 'left' | 'center' | 'right' }
  | { type: 'feed'; lines: number };

function Qr({ data, moduleSize }: { data: string; moduleSize: number }) {
  const [url, setUrl] = useState('');
  useEffect(() => {
    QRCode.toString(data, { type: 'svg', margin: 1 }).then((svg) => setUrl(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`), () => setUrl(''));
  }, [data]);
  return url ? <img class="paper-qr" src={url} alt={`QR: ${data}`} title={data} style={{ width: `${Math.max(3, moduleSize) * 1.6}rem` }} /> : null;
}

export function Paper({ items, label }: { items: PaperItem[]; label: string }) {
  return (
    <figure class="paper" aria-label={label}>
      {items.map((it, i) => {
        if (it.type === 'feed') return <div key={i} style={{ height: `${it.lines * 1.2}em` }} />;
        if (it.type === 'qr')
          return (
            <div key={i} class={`paper-line ${it.align}`}>
              <Qr data={it.data} moduleSize={it.moduleSize} />
            </div>
          );
        return (
          <div key={i} class={`paper-line ${it.align}`}>
            {it.runs.length === 0
              ? '\u00a0'
              : it.runs.map((r, j) => (
                  <span key={j} class={r.bold ? 'b' : ''} style={{ fontSize: `${Math.min(r.height, 4)}em`, display: 'inline-block', transform: r.width !== r.height ? `scaleX(${r.width / r.height})` : undefined }}>
                    {r.text}
                  </span>
                ))}
          </div>
        );
      })}
    </figure>
  );
}
