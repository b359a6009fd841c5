/**
 * The branch configuration edited in a form: services, counters, opening hours and closed
 * dates, targets, calling rules and the notice. The form edits the configuration as the file
 * holds it; the service checks it with the file's own schema, applies it at once without a
 * restart and records who changed what (config.applied); its history is listed below.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { ConfigFile } from '../../config/schema.js';
import { ApiError, api } from '../shared/api.js';
import { errorLine } from '../shared/error-text.js';
import { ListEditor } from './list-editor.js';
import { localTime, type BranchInfo } from './shared.js';

interface Current {
  config: ConfigFile;
  hash: string;
  source: string;
  history: { id: number; appliedAt: string; source: string; staffId?: string; staffName?: string; changes: string[] }[];
}

type Result = { kind: 'ok'; changes: string[]; restartNeeded: string[] } | { kind: 'error'; text: string; lines: string[] } | null;

const DAYS = [
  ['mon', '周一', 'Mon'],
  ['tue', '周二', 'Tue'],
  ['wed', '周三', 'Wed'],
  ['thu', '周四', 'Thu'],
  ['fri', '周五', 'Fri'],
  ['sat', '周六', 'Sat'],
  ['sun', '周日', 'Sun'],
] as const;

type Day = (typeof DAYS)[number][0];
type Service = ConfigFile['services'][number];
type Counter = ConfigFile['counters'][number];

const num = (v: string) => (v.trim() === '' ? undefined : Number(v));

function clone<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}

export function ConfigSection({ info, onApplied }: { info: BranchInfo; onApplied: () => void }) {
  const [current, setCurrent] = useState<Current | null>(null);
  const [draft, setDraft] = useState<ConfigFile | null>(null);
  const [result, setResult] = useState<Result>(null);
  const [newDate, setNewDate] = useState('');
  const tz = info.branch.timeZone;

  const load = useCallback(() => {
    api<Current>('GET', '/api/office/config').then(
      (c) => {
        setCurrent(c);
        setDraft(clone(c.config));
      },
      (err) => setResult({ kind: 'error', text: errorLine(err), lines: [] }),
    );
  }, []);
  useEffect(load, [load]);

  if (!current || !draft) return <p class="muted">加载中 · Loading…</p>;

  /** Changes the draft through a function of a copy, so each edit is one new state. */
  const edit = (fn: (d: ConfigFile) => void) => {
    const d = clone(draft);
    fn(d);
    setDraft(d);
  };
  const setService = (i: number, fn: (s: Service) => void) => edit((d) => fn(d.services[i]!));
  const setCounter = (i: number, fn: (c: Counter) => void) => edit((d) => fn(d.counters[i]!));
  const hours = draft.branch.hours as Record<Day, string> & { closedDates: string[] };

  const save = async (e: Event) => {
    e.preventDefault();
    setResult(null);
    try {
      const r = await api<{ changes: string[]; restartNeeded: string[] }>('PUT', '/api/office/config', { body: { config: draft, baseHash: current.hash } });
      setResult({ kind: 'ok', ...r });
      load();
      onApplied();
    } catch (err) {
      const lines = err instanceof ApiError && Array.isArray(err.details) ? err.details.map(String) : [];
      setResult({ kind: 'error', text: errorLine(err), lines });
    }
  };

  return (
    <section aria-label="configuration">
      <form class="config" onSubmit={save} aria-label="branch configuration">
        <fieldset>
          <legend>网点 · Branch</legend>
          <label>
            中文名称 · Name (zh) <input name="branchZh" value={draft.branch.name.zh} onInput={(e) => edit((d) => void (d.branch.name.zh = e.currentTarget.value))} />
          </label>
          <label>
            English name <input name="branchEn" value={draft.branch.name.en} onInput={(e) => edit((d) => void (d.branch.name.en = e.currentTarget.value))} />
          </label>
        </fieldset>

        <fieldset>
          <legend>营业时间 · Opening hours</legend>
          <p class="muted">例如 08:30-12:00, 13:00-17:00；休息日填 closed · e.g. 08:30-12:00, 13:00-17:00; a closed day: closed</p>
          <div class="hours">
            {DAYS.map(([key, zh, en]) => (
              <label key={key}>
                {zh} · {en}
                <input name={`hours-${key}`} value={hours[key]} onInput={(e) => edit((d) => void ((d.branch.hours as Record<Day, string>)[key] = e.currentTarget.value.trim()))} />
              </label>
            ))}
          </div>
          <div>
            休息日期 · Closed dates:{' '}
            {hours.closedDates.map((date) => (
              <span class="chip" key={date} data-closed-date={date}>
                {date}{' '}
                <button type="button" aria-label={`remove ${date}`} onClick={() => edit((d) => void (d.branch.hours.closedDates = d.branch.hours.closedDates.filter((x) => x !== date)))}>
                  ×
                </button>
              </span>
            ))}
            <input name="newClosedDate" type="date" value={newDate} onInput={(e) => setNewDate(e.currentTarget.value)} />
            <button
              type="button"
              disabled={!newDate}
              onClick={() => {
                edit((d) => void (d.branch.hours.closedDates = [...new Set([...d.branch.hours.closedDates, newDate])].sort()));
                setNewDate('');
              }}
            >
              添加 · Add
            </button>
          </div>
        </fieldset>

        <fieldset>
          <legend>业务 · Services</legend>
          <ListEditor
            items={draft.services}
            headers={['代码 Code', '字头 Prefix', '中文名 Name zh', 'English name', '目标等候(分) Target wait', '办理时长(分) Typical service', '每日上限 Daily cap', '开放 Offered', '自助提示 Self-service hints (中文 | English)']}
            rowAttribute="data-service-row"
            rowId={(s) => s.code}
            cells={(s, i) => (
              <>
                <td>
                  <input name="code" size={4} value={s.code} readOnly={current.config.services.some((x) => x.code === s.code)} onInput={(e) => setService(i, (x) => void (x.code = e.currentTarget.value.toUpperCase()))} />
                </td>
                <td>
                  <input name="prefix" size={2} value={s.prefix} onInput={(e) => setService(i, (x) => void (x.prefix = e.currentTarget.value.toUpperCase()))} />
                </td>
                <td>
                  <input name="nameZh" value={s.name.zh} onInput={(e) => setService(i, (x) => void (x.name.zh = e.currentTarget.value))} />
                </td>
                <td>
                  <input name="nameEn" value={s.name.en} onInput={(e) => setService(i, (x) => void (x.name.en = e.currentTarget.value))} />
                </td>
                <td>
                  <input name="targetWaitMinutes" type="number" min={1} max={240} value={s.targetWaitMinutes} onInput={(e) => setService(i, (x) => void (x.targetWaitMinutes = Number(e.currentTarget.value)))} />
                </td>
                <td>
                  <input name="typicalServiceMinutes" type="number" min={1} max={240} value={s.typicalServiceMinutes} onInput={(e) => setService(i, (x) => void (x.typicalServiceMinutes = Number(e.currentTarget.value)))} />
                </td>
                <td>
                  <input name="dailyCap" type="number" min={1} value={s.dailyCap ?? ''} onInput={(e) => setService(i, (x) => void (x.dailyCap = num(e.currentTarget.value)))} />
                </td>
                <td>
                  <input name="enabled" type="checkbox" checked={s.enabled} onChange={(e) => setService(i, (x) => void (x.enabled = e.currentTarget.checked))} />
                </td>
                <td>
                  <textarea
                    name="selfService"
                    rows={2}
                    value={s.selfService.map((h) => `${h.zh} | ${h.en}`).join('\n')}
                    onChange={(e) =>
                      setService(i, (x) => {
                        x.selfService = e.currentTarget.value
                          .split('\n')
                          .map((line) => line.split('|').map((p) => p.trim()))
                          .filter(([zh]) => zh)
                          .map(([zh, en]) => ({ zh: zh!, en: en ?? '' }));
                      })
                    }
                  />
                </td>
              </>
            )}
            removeLabel={(s) => `remove service ${s.code}`}
            onRemove={(i) => edit((d) => void d.services.splice(i, 1))}
            addAction="add-service"
            addLabel="添加业务 · Add a service"
            onAdd={() => edit((d) => void d.services.push({ code: '', prefix: '', name: { zh: '', en: '' }, range: [1, 999], targetWaitMinutes: 15, typicalServiceMinutes: 5, selfService: [], enabled: true }))}
          />
        </fieldset>

        <fieldset>
          <legend>窗口 · Counters</legend>
          <ListEditor
            items={draft.counters}
            headers={['编号 Id', '中文名 Name zh', 'English name', '主办业务 Primary', '兼办业务 Secondary']}
            rowAttribute="data-counter-row"
            rowId={(c) => c.id}
            cells={(c, i) => (
              <>
                <td>
                  <input name="counterId" size={3} value={c.id} readOnly={current.config.counters.some((x) => x.id === c.id)} onInput={(e) => setCounter(i, (x) => void (x.id = e.currentTarget.value))} />
                </td>
                <td>
                  <input name="counterZh" value={c.name?.zh ?? ''} onInput={(e) => setCounter(i, (x) => void (x.name = { zh: e.currentTarget.value, en: x.name?.en ?? '' }))} />
                </td>
                <td>
                  <input name="counterEn" value={c.name?.en ?? ''} onInput={(e) => setCounter(i, (x) => void (x.name = { zh: x.name?.zh ?? '', en: e.currentTarget.value }))} />
                </td>
                {(['primary', 'secondary'] as const).map((level) => (
                  <td key={level} class="checks">
                    {draft.services.map((s) => (
                      <label key={s.code}>
                        <input
                          type="checkbox"
                          name={`${level}-${s.code}`}
                          checked={c[level].includes(s.code)}
                          onChange={(e) =>
                            setCounter(i, (x) => {
                              x[level] = e.currentTarget.checked ? [...x[level], s.code] : x[level].filter((v) => v !== s.code);
                            })
                          }
                        />
                        {s.code}
                      </label>
                    ))}
                  </td>
                ))}
              </>
            )}
            removeLabel={(c) => `remove counter ${c.id}`}
            onRemove={(i) => edit((d) => void d.counters.splice(i, 1))}
            addAction="add-counter"
            addLabel="添加窗口 · Add a counter"
            onAdd={() => edit((d) => void d.counters.push({ id: '', name: { zh: '', en: '' }, primary: [], secondary: [], devices: {} }))}
          />
        </fieldset>

        <fieldset>
          <legend>叫号规则 · Calling rules</legend>
          <label>
            连续优先上限 · Priority calls in a row{' '}
            <input name="fairnessCap" type="number" min={1} max={20} value={draft.rules.fairnessCap} onInput={(e) => edit((d) => void (d.rules.fairnessCap = Number(e.currentTarget.value)))} />
          </label>
          <label>
            <input name="ageing" type="checkbox" checked={draft.rules.ageing} onChange={(e) => edit((d) => void (d.rules.ageing = e.currentTarget.checked))} /> 超过目标等候的普通客户优先 · Regular customers past the target go first
          </label>
          <label>
            最多重呼 · Recalls at most{' '}
            <input name="maxRecalls" type="number" min={0} max={10} value={draft.rules.maxRecalls} onInput={(e) => edit((d) => void (d.rules.maxRecalls = Number(e.currentTarget.value)))} />
          </label>
          <label>
            过号可重新排队次数 · Rejoins after a no-show{' '}
            <input name="maxRejoins" type="number" min={0} max={5} value={draft.rules.maxRejoins} onInput={(e) => edit((d) => void (d.rules.maxRejoins = Number(e.currentTarget.value)))} />
          </label>
          <label>
            <input name="autoCompleteOnNext" type="checkbox" checked={draft.rules.autoCompleteOnNext} onChange={(e) => edit((d) => void (d.rules.autoCompleteOnNext = e.currentTarget.checked))} />{' '}
            “叫下一位”时办结正在办理的客户 · “Call next” completes the customer being served
          </label>
        </fieldset>

        <fieldset>
          <legend>公告 · Notice</legend>
          <label>
            大厅屏和取号机上的公告 · Notice on the lobby screen and the kiosk
            <textarea
              name="notice"
              rows={2}
              maxLength={500}
              value={draft.lobby?.notice ?? ''}
              onInput={(e) =>
                edit((d) => {
                  const text = e.currentTarget.value;
                  const lobby = d.lobby ?? { voiceLanguages: ['zh', 'en'], recentCalls: 8 };
                  if (text.trim()) lobby.notice = text;
                  else delete lobby.notice;
                  d.lobby = lobby;
                })
              }
            />
          </label>
        </fieldset>

        <div class="save-row">
          <button type="submit" class="primary" data-action="save-config">
            保存并立即生效 · Save and apply now
          </button>
          <button type="button" onClick={() => setDraft(clone(current.config))}>
            放弃修改 · Discard changes
          </button>
        </div>
      </form>

      {result?.kind === 'ok' && (
        <div class="note ok" role="status" data-testid="config-result">
          {result.changes.length === 0 ? (
            <p>没有改动 · Nothing changed</p>
          ) : (
            <>
                  <p>已生效 · Applied:</p>
                  <ul>
                    {result.changes.map((c) => (
                      <li key={c}>{c}</li>
                    ))}
                  </ul>
            </>
          )}
          {result.restartNeeded.length > 0 && <p>以下设置在服务下次启动时生效 · These take effect at the next start: {result.restartNeeded.join('; ')}</p>}
        </div>
      )}
      {result?.kind === 'error' && (
        <div class="note error" role="alert" data-testid="config-error">
          <p>{result.text}</p>
          {result.lines.length > 0 && (
            <ul>
              {result.lines.map((l) => (
                <li key={l}>{l}</li>
              ))}
            </ul>
          )}
        </div>
      )}

      <h3>修改记录 · History</h3>
      <table class="history" data-testid="config-history">
        <thead>
          <tr>
            <th>时间 · When</th>
            <th>谁 · Who</th>
            <th>来源 · From</th>
            <th>改动 · What changed</th>
          </tr>
        </thead>
        <tbody>
          {current.history.map((h) => (
            <tr key={h.id}>
              <td>{localTime(h.appliedAt, tz, true)}</td>
              <td>{h.staffId ? `${h.staffName ?? ''} (${h.staffId})` : '—'}</td>
              <td>{h.source === 'office' ? '后台 · Back office' : '配置文件 · Configuration file'}</td>
              <td>{h.changes.length ? h.changes.join('; ') : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
