/**
 * Tells a customer on their phone, plainly, that a system fault at a counter affects them (the
 * bank's rule 一(四)): a waiting customer whose service that counter serves gets the new wait
 * (their own ticket's estimate, which leaves the counter out while the fault lasts) and an
 * apology; the customer whose service the fault interrupted is asked to stay at the counter.
 */
import { rangeText, type FaultNotice } from '../shared/faults.js';

export interface FaultTicket {
  status: string;
  serviceCode: string;
  counterId?: string;
  estimate: { minMinutes: number; maxMinutes: number } | null;
}

export function FaultNoticeView({ t, faults }: { t: FaultTicket; faults: FaultNotice[] }) {
  if (t.status === 'called' || t.status === 'serving') {
    const here = faults.find((f) => f.counterId === t.counterId);
    if (!here) return null;
    return (
      <p class="fault-note" role="alert" data-testid="fault-note">
        {here.name.zh}系统故障，业务暂时中断，请在窗口稍候，我们正在处理，深表歉意。
        <br />
        <span lang="en">A system fault has interrupted your service at {here.name.en}. Please wait at the counter; we are fixing it and apologise.</span>
      </p>
    );
  }
  if (t.status !== 'waiting') return null;
  const affecting = faults.filter((f) => f.services.some((s) => s.code === t.serviceCode));
  if (affecting.length === 0) return null;
  const zh = affecting.map((f) => f.name.zh).join('、');
  const en = affecting.map((f) => f.name.en).join(', ');
  const r = t.estimate ? rangeText(t.estimate) : null;
  return (
    <p class="fault-note" role="alert" data-testid="fault-note">
      {zh}出现系统故障，等候时间会有所延长{r ? `，现预计约 ${r.zh}` : ''}。给您带来不便，深表歉意。
      <br />
      <span lang="en">
        {en}: a system fault means a longer wait{r ? `, now about ${r.en}` : ''}. We apologise for the inconvenience.
      </span>
    </p>
  );
}
