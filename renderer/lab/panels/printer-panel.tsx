/** The simulated ticket printer: state, fault buttons, and the tickets it printed (newest first). */
import { api } from '../../shared/api.js';
import { Paper, type PaperItem } from '../paper.js';
import { usePoll } from '../use-poll.js';

interface PrinterLab {
  status: { state: string; detail?: string; since: string };
  condition: { paperNearEnd: boolean; paperEnd: boolean; coverOpen: boolean; cutterError: boolean; answering: boolean };
  plugged: boolean;
  printed: number;
  tickets: { seq: number; items: PaperItem[] }[];
}

const ACTIONS: { label: string; body: Record<string, boolean>; path?: string }[] = [
  { label: '纸将尽 · Paper near end', body: { paperNearEnd: true } },
  { label: '缺纸 · Paper end', body: { paperEnd: true } },
  { label: '开盖 · Cover open', body: { coverOpen: true } },
  { label: '切刀卡纸 · Cutter jam', body: { cutterError: true } },
  { label: '恢复正常 · Back to normal', body: { normal: true } },
];

export function PrinterPanel() {
  const { data, reload } = usePoll<PrinterLab>('/api/lab/printer');
  const post = (path: string, body: unknown) => api('POST', path, { body }).then(reload, reload);
  return (
    <div class="printer-panel">
      <p class="device-state" data-testid="printer-state" aria-live="polite">
        状态 State: <strong>{data?.status.state ?? '…'}</strong> {data?.status.detail ?? ''}
      </p>
      <div class="lab-buttons">
        {ACTIONS.map((a) => (
          <button key={a.label} onClick={() => void post('/api/lab/printer/condition', a.body)}>
            {a.label}
          </button>
        ))}
        <button onClick={() => void post('/api/lab/printer/cable', { plugged: !(data?.plugged ?? true) })}>{data?.plugged === false ? '插上 · Plug in' : '拔线 · Unplug'}</button>
      </div>
      <p>
        已打印 Printed: {data?.printed ?? 0}
      </p>
      <div class="paper-roll" data-testid="printed-tickets">
        {data?.tickets.map((t) => (
          <Paper key={t.seq} items={t.items} label={`Ticket ${t.seq}`} />
        ))}
      </div>
    </div>
  );
}
