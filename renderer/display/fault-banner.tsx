/**
 * The lobby screen's notice of a system fault at a counter (the bank's rule 一(四)): which
 * counter, that it is being fixed, an apology, and the new wait of each service it serves.
 */
import { rangeText, type FaultNotice } from '../shared/faults.js';
import './fault-banner.css';

export function FaultBanner({ faults }: { faults: FaultNotice[] }) {
  if (faults.length === 0) return null;
  return (
    <section class="fault-banner" role="alert" data-testid="fault-banner">
      {faults.map((f) => (
        <div key={f.counterId} class="fault" data-counter={f.counterId}>
          <div class="fault-head">
            {f.name.zh} 系统故障，正在抓紧处理，给您带来不便深表歉意 · {f.name.en}: system fault, being fixed. We apologise for the wait.
          </div>
          <div class="fault-waits">
            {f.services.map((s) => {
              const r = s.estimate ? rangeText(s.estimate) : null;
              return (
                <span key={s.code} class="fault-wait" data-service={s.code}>
                  {r
                    ? `${s.name.zh} 现预计等候 ${r.zh} · ${s.name.en} now about ${r.en}`
                    : `${s.name.zh} 暂无柜台办理 · ${s.name.en}: no counter serving it now`}
                </span>
              );
            })}
          </div>
        </div>
      ))}
    </section>
  );
}
