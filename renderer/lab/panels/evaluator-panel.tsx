/**
 * Evaluator pads (评价器): what each simulated pad shows (decoded from the bytes the driver sent:
 * a rating request with its number, or the welcome screen), the result of its last rating, and
 * the keys of a chosen counter's pad: a level, reason keys for a low one, a press that arrives
 * late (for the request before), line noise, and the cable.
 */
import { useState } from 'preact/hooks';
import { api } from '../../shared/api.js';
import { usePoll } from '../use-poll.js';

interface L {
  zh: string;
  en: string;
}

interface EvaluatorLab {
  levels: number;
  labels: L[];
  reasons: { code: string; name: L }[];
  counters: {
    counterId: string;
    device: { id: string; address: number; simulated: boolean } | null;
    screen: { kind: 'ask'; request: number; seconds: number; text: string } | { kind: 'idle'; text: string } | null;
    result: string | null;
    request: { number: string; state: string; expiresInSeconds: number; rating: { score: number; channel: string } | null } | null;
  }[];
  lines: { id: string; simulated: boolean; plugged: boolean | null; state: string }[];
}

const RESULT: Record<string, string> = {
  recorded: '谢谢评价 · recorded',
  expired: '已超时 · too late',
  already_rated: '已评价 · already rated',
  refused: '未受理 · refused',
  no_answer: '无应答 · no answer',
};

export function EvaluatorPanel() {
  const { data, reload } = usePoll<EvaluatorLab>('/api/lab/evaluators', 700);
  const [counter, setCounter] = useState('1');
  const [reasons, setReasons] = useState<number[]>([]);
  const [late, setLate] = useState(false);
  const [last, setLast] = useState<string | null>(null);
  if (!data) return <p>…</p>;
  const rate = (level: number) =>
    void api<{ outcome: string }>('POST', `/api/lab/evaluators/${encodeURIComponent(counter)}/rate`, { body: { level, reasons, late } }).then(
      (r) => {
        setLast(r.outcome);
        setReasons([]);
        reload();
      },
      reload,
    );
  const noise = () => void api('POST', `/api/lab/evaluators/${encodeURIComponent(counter)}/noise`).then(reload, reload);
  const cable = (id: string, plugged: boolean | null) =>
    void api('POST', `/api/lab/evaluators/cables/${encodeURIComponent(id)}/${plugged ? 'unplug' : 'plug'}`).then(reload, reload);
  return (
    <div class="evaluator-panel">
      <table>
        <thead>
          <tr>
            <th>窗口 Counter</th>
            <th>评价器屏幕 Pad screen</th>
            <th>请求 Request</th>
            <th>结果 Result</th>
          </tr>
        </thead>
        <tbody>
          {data.counters
            .filter((c) => c.device)
            .map((c) => (
              <tr key={c.counterId} data-evaluator={c.counterId} class={c.counterId === counter ? 'chosen' : ''} onClick={() => setCounter(c.counterId)}>
                <td>{c.counterId}</td>
                <td class="led">{c.screen ? (c.screen.kind === 'ask' ? `#${c.screen.request} ${c.screen.text}` : c.screen.text) : '—'}</td>
                <td>
                  {c.request
                    ? `${c.request.number} ${c.request.state}${c.request.state === 'waiting' ? ` ${c.request.expiresInSeconds}s` : ''}${c.request.rating ? ` ${c.request.rating.score}/5 ${c.request.rating.channel}` : ''}`
                    : '—'}
                </td>
                <td>{c.result ? (RESULT[c.result] ?? c.result) : '—'}</td>
              </tr>
            ))}
        </tbody>
      </table>
      <div class="lab-buttons" aria-label={`evaluator of counter ${counter}`}>
        <span>{counter} 号评价器 · Pad of counter {counter}:</span>
        {data.labels.map((l, i) => (
          <button key={i} data-level={i + 1} onClick={() => rate(i + 1)}>
            {i + 1} {l.zh} {l.en}
          </button>
        ))}
      </div>
      <div class="lab-buttons">
        <span>原因键 · Reason keys:</span>
        {data.reasons.map((r, i) => (
          <label key={r.code}>
            <input type="checkbox" data-reason={i} checked={reasons.includes(i)} onChange={() => setReasons((rs) => (rs.includes(i) ? rs.filter((x) => x !== i) : [...rs, i]))} />
            {r.name.zh} {r.name.en}
          </label>
        ))}
      </div>
      <div class="lab-buttons">
        <label>
          <input type="checkbox" checked={late} onChange={() => setLate(!late)} /> 迟到的按键（上一个请求）· Late press (the request before)
        </label>
        <button data-noise onClick={noise}>
          线路噪声 · Line noise
        </button>
        {data.lines
          .filter((l) => l.simulated)
          .map((l) => (
            <button key={l.id} data-cable={l.id} onClick={() => cable(l.id, l.plugged)}>
              {l.plugged ? '拔线 Unplug' : '插线 Plug in'} {l.id} ({l.state})
            </button>
          ))}
        {last && <span data-testid="last-result">{RESULT[last] ?? last}</span>}
      </div>
    </div>
  );
}
