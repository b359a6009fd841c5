/**
 * LED displays and call pads: what each simulated counter display, the lobby board and each pad
 * screen show (decoded from the bytes the drivers sent), the keys of a chosen counter's pad
 * (pressed through the simulated pad, so the service hears real frames), and each cable's plug.
 */
import { useState } from 'preact/hooks';
import { api } from '../../shared/api.js';
import { usePoll } from '../use-poll.js';

interface Screen {
  address: number;
  text: string;
  rows?: string[];
  flash?: boolean;
  waiting?: number;
}

interface CallingLab {
  counters: { counterId: string; display: { device: string; address: number } | null; callPad: { device: string; address: number } | null }[];
  displays: { id: string; kind: string; simulated: boolean; plugged: boolean | null; state: string; boards: number[]; screens: Screen[] }[];
  pads: { id: string; simulated: boolean; plugged: boolean | null; state: string; screens: Screen[] }[];
}

const KEYS: [string, string][] = [
  ['next', '下一位 Next'],
  ['recall', '重呼 Recall'],
  ['start', '开始 Start'],
  ['complete', '办结 Complete'],
  ['no_show', '过号 No-show'],
  ['transfer', '转移 Transfer'],
  ['pause', '暂停 Pause'],
  ['resume', '恢复 Resume'],
  ['clear', '清除 Clear'],
  ['enter', '确认 Enter'],
];

export function CallingPanel() {
  const { data, reload } = usePoll<CallingLab>('/api/lab/calling', 700);
  const [counter, setCounter] = useState('1');
  const press = (key: string) => void api('POST', `/api/lab/calling/pads/${encodeURIComponent(counter)}/keys`, { body: { key } }).then(reload, reload);
  const cable = (id: string, plugged: boolean | null) =>
    void api('POST', `/api/lab/calling/cables/${encodeURIComponent(id)}/${plugged ? 'unplug' : 'plug'}`).then(reload, reload);
  if (!data) return <p>…</p>;
  const screenOf = (device: string | undefined, address: number | undefined, list: 'displays' | 'pads') =>
    data[list].find((d) => d.id === device)?.screens.find((s) => s.address === address);
  const boards = data.displays.filter((d) => d.boards.length > 0);
  return (
    <div class="calling-panel">
      {boards.map((b) =>
        b.boards.map((address) => (
          <div key={`${b.id}/${address}`} class="led board" data-board={address}>
            <strong>综合屏 Lobby board</strong>
            {(screenOf(b.id, address, 'displays')?.rows ?? []).map((r, i) => (
              <div key={i}>{r}</div>
            ))}
          </div>
        )),
      )}
      <table>
        <thead>
          <tr>
            <th>窗口 Counter</th>
            <th>窗口屏 LED display</th>
            <th>叫号器 Pad screen</th>
          </tr>
        </thead>
        <tbody>
          {data.counters.map((c) => {
            const led = screenOf(c.display?.device, c.display?.address, 'displays');
            const pad = screenOf(c.callPad?.device, c.callPad?.address, 'pads');
            return (
              <tr key={c.counterId} data-counter={c.counterId} class={c.counterId === counter ? 'chosen' : ''} onClick={() => setCounter(c.counterId)}>
                <td>{c.counterId}</td>
                <td class={`led ${led?.flash ? 'flash' : ''}`}>{led?.text ?? '—'}</td>
                <td class="led">{pad ? `${pad.text} · 等候 ${pad.waiting}` : '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div class="lab-buttons" aria-label={`call pad of counter ${counter}`}>
        <span>{counter} 号叫号器 · Pad of counter {counter}:</span>
        {KEYS.map(([key, label]) => (
          <button key={key} data-key={key} onClick={() => press(key)}>
            {label}
          </button>
        ))}
        {['1', '2', '3', '4', '5', '6', '7', '8', '9', '0'].map((d) => (
          <button key={d} data-key={d} onClick={() => press(d)}>
            {d}
          </button>
        ))}
      </div>
      <div class="lab-buttons">
        {[...data.displays, ...data.pads]
          .filter((d) => d.simulated)
          .map((d) => (
            <button key={d.id} data-cable={d.id} onClick={() => cable(d.id, d.plugged)}>
              {d.plugged ? '拔线 Unplug' : '插线 Plug in'} {d.id} ({d.state})
            </button>
          ))}
      </div>
    </div>
  );
}
