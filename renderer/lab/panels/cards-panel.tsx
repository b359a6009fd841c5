/** Card readers: swipe a regular or VIP test card, place or remove a test ID card. */
import { api } from '../../shared/api.js';
import { usePoll } from '../use-poll.js';

interface CardsLab {
  cards: { id: 'regular' | 'vip'; label: { zh: string; en: string }; tail: string }[];
  idReader: { id: string; status: { state: string }; cardPresent: boolean } | null;
}

export function CardsPanel() {
  const { data, reload } = usePoll<CardsLab>('/api/lab/cards', 1500);
  const post = (path: string, body: unknown) => api('POST', path, { body }).then(reload, reload);
  return (
    <div class="cards-panel">
      <p>刷卡后取号机显示卡号尾号与客户等级 · After a swipe the kiosk shows the masked tail and segment.</p>
      <div class="lab-buttons">
        {data?.cards.map((c) => (
          <button key={c.id} onClick={() => void post('/api/lab/cards/swipe', { card: c.id })} data-card={c.id}>
            刷卡 Swipe: {c.label.zh} · {c.label.en} (…{c.tail})
          </button>
        ))}
      </div>
      {data?.idReader && (
        <div class="lab-buttons">
          <span>
            身份证阅读器 ID reader: <strong>{data.idReader.status.state}</strong>
          </span>
          <button onClick={() => void post('/api/lab/cards/id-card', { present: !data.idReader!.cardPresent })}>
            {data.idReader.cardPresent ? '取走身份证 · Remove ID card' : '放置身份证 · Place test ID card'}
          </button>
        </div>
      )}
    </div>
  );
}
