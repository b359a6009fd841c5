/** The devices with plain names, their state in words, and what to do about it (e.g. how to change the paper). */
import { useEffect, useState } from 'preact/hooks';
import { deviceHelp, deviceName, deviceStateText } from '../../common/device-text.js';
import { api } from '../shared/api.js';
import { errorLine } from '../shared/error-text.js';
import { localTime, type BranchInfo } from './shared.js';

interface Device {
  id: string;
  kind: string;
  uri: string;
  state: string;
  detail?: string;
  since: string;
}

export function DevicesSection({ info, tick }: { info: BranchInfo; tick: number }) {
  const [devices, setDevices] = useState<Device[] | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    api<Device[]>('GET', '/api/devices').then(
      (d) => {
        setDevices(d);
        setError('');
      },
      (err) => setError(errorLine(err)),
    );
  }, [tick]);
  return (
    <section aria-label="devices">
      {error && (
        <p class="note error" role="alert">
          {error}
        </p>
      )}
      {devices?.length === 0 && <p class="muted">没有配置设备 · No devices are configured</p>}
      <ul class="device-list">
        {devices?.map((d) => {
          const name = deviceName(d.kind, d.id);
          const state = deviceStateText(d.state);
          const help = deviceHelp(d.state);
          return (
            <li key={d.id} class={`device ${d.state}`} data-device={d.id}>
              <h3>
                {name.zh} · {name.en}
              </h3>
              <p>
                <b data-testid="device-state">
                  {state.zh} · {state.en}
                </b>{' '}
                <span class="muted">自 {localTime(d.since, info.branch.timeZone)} 起 · since then</span>
              </p>
              {help && (
                <p class="help" data-testid="device-help">
                  {help.zh}
                  <br />
                  {help.en}
                </p>
              )}
              <details>
                <summary>技术信息 · For IT</summary>
                <code>
                  {d.id} · {d.uri}
                </code>
                {d.detail && <p>{d.detail}</p>}
              </details>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
