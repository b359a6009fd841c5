/**
 * The device lab (/lab, demo mode): the simulated devices, one panel each, from the panel list.
 * The service says which simulators exist (GET /api/lab); outside demo mode that answers 404.
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../shared/api.js';
import '../shared/base.css';
import './lab.css';
import { LAB_PANEL_VIEWS } from './panels.js';

interface LabInfo {
  panels: { id: string; title: { zh: string; en: string }; available: boolean }[];
}

function Lab() {
  const [info, setInfo] = useState<LabInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<LabInfo>('GET', '/api/lab').then(setInfo, (e: unknown) =>
      setError(e instanceof ApiError && e.status === 404 ? '设备实验室只在演示模式下可用 · The device lab exists in demo mode only (--demo).' : '无法连接 · Cannot reach the branch service.'),
    );
  }, []);
  const available = new Set(info?.panels.filter((p) => p.available).map((p) => p.id));
  return (
    <main class="lab">
      <h1>设备实验室 · Device lab</h1>
      <p class="lab-intro">
        模拟设备：打印出的号票即打印机收到的真实字节解码结果。 · Simulated devices: each ticket below is decoded from the bytes the printer actually received.{' '}
        <a href="/kiosk" target="kiosk">
          打开取号机 · Open the kiosk
        </a>
      </p>
      {error && <p role="alert">{error}</p>}
      <div class="lab-panels">
        {info &&
          LAB_PANEL_VIEWS.map((p) => (
            <section key={p.id} class="lab-panel" aria-labelledby={`panel-${p.id}`} data-panel={p.id}>
              <h2 id={`panel-${p.id}`}>
                {p.title.zh} · {p.title.en}
              </h2>
              {available.has(p.id) ? <p.component /> : <p>此设备不是模拟设备 · This device is not simulated here.</p>}
            </section>
          ))}
      </div>
    </main>
  );
}

render(<Lab />, document.getElementById('app')!);
