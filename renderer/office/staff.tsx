/**
 * Staff accounts in the back office: create (with a first PIN), change name, roles and counters,
 * reset a PIN, unlock an account locked by wrong PINs, deactivate and reactivate. The service
 * decides who may change whom (a supervisor: tellers and lobby staff; an admin: everyone).
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { act, api } from '../shared/api.js';
import { errorLine } from '../shared/error-text.js';
import { both, has, ROLES, type BranchInfo, type Me } from './shared.js';

interface Account {
  id: string;
  name: string;
  roles: string[];
  counters: string[];
  active: boolean;
  locked: boolean;
}

type Note = { kind: 'ok' | 'error'; text: string } | null;

const ALL_ROLES = ['teller', 'lobby', 'supervisor', 'admin'];

function Checks({ name, options, value, onChange }: { name: string; options: { value: string; label: string }[]; value: string[]; onChange: (v: string[]) => void }) {
  return (
    <span class="checks" data-field={name}>
      {options.map((o) => (
        <label key={o.value}>
          <input
            type="checkbox"
            name={name}
            value={o.value}
            checked={value.includes(o.value)}
            onChange={(e) => onChange(e.currentTarget.checked ? [...value, o.value] : value.filter((x) => x !== o.value))}
          />{' '}
          {o.label}
        </label>
      ))}
    </span>
  );
}

function roleOptions(me: Me) {
  const allowed = has(me, 'admin') ? ALL_ROLES : ['teller', 'lobby'];
  return allowed.map((r) => ({ value: r, label: both(ROLES[r]) }));
}

function counterOptions(info: BranchInfo) {
  return info.counters.map((c) => ({ value: c.id, label: c.name.zh }));
}

function NewAccount({ info, me, onDone }: { info: BranchInfo; me: Me; onDone: (n: Note) => void }) {
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [roles, setRoles] = useState<string[]>(['teller']);
  const [counters, setCounters] = useState<string[]>([]);
  const [pin, setPin] = useState('');
  const [pin2, setPin2] = useState('');
  const submit = async (e: Event) => {
    e.preventDefault();
    if (pin !== pin2) return onDone({ kind: 'error', text: '两次输入的密码不一致 · The two PINs differ' });
    try {
      // If-None-Match: * : never replaces an existing account by mistake.
      await api('POST', '/api/staff', { body: { id: id.trim(), name: name.trim(), roles, counters, pin }, headers: { 'if-none-match': '*' } });
      onDone({ kind: 'ok', text: `已创建 ${id} · Account ${id} created; they can sign in with this PIN now` });
      setId('');
      setName('');
      setPin('');
      setPin2('');
    } catch (err) {
      onDone({ kind: 'error', text: errorLine(err) });
    }
  };
  return (
    <form class="row-form wide" onSubmit={submit} aria-label="new staff account">
      <h3>新建员工账号 · New staff account</h3>
      <label>
        工号 · Staff id <input name="newId" value={id} onInput={(e) => setId(e.currentTarget.value)} required pattern="[A-Za-z0-9_-]{1,40}" />
      </label>
      <label>
        姓名 · Name <input name="newName" value={name} onInput={(e) => setName(e.currentTarget.value)} required />
      </label>
      <div>
        角色 · Roles <Checks name="newRoles" options={roleOptions(me)} value={roles} onChange={setRoles} />
      </div>
      <div>
        窗口 · Counters <Checks name="newCounters" options={counterOptions(info)} value={counters} onChange={setCounters} />
        <small class="muted"> 不选则可在任一窗口 · none: any counter</small>
      </div>
      <label>
        初始密码 · First PIN <input name="newPin" type="password" inputMode="numeric" autoComplete="new-password" value={pin} onInput={(e) => setPin(e.currentTarget.value)} required />
      </label>
      <label>
        再输一次 · PIN again <input name="newPin2" type="password" inputMode="numeric" autoComplete="new-password" value={pin2} onInput={(e) => setPin2(e.currentTarget.value)} required />
      </label>
      <button type="submit">创建 · Create</button>
    </form>
  );
}

function AccountRow({ a, info, me, onDone }: { a: Account; info: BranchInfo; me: Me; onDone: (n: Note) => void }) {
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(a.name);
  const [roles, setRoles] = useState(a.roles);
  const [counters, setCounters] = useState(a.counters);
  const [pin, setPin] = useState('');
  const path = `/api/staff/${encodeURIComponent(a.id)}`;
  const run = async (what: string, method: string, url: string, body?: unknown) => {
    try {
      await act(method, url, { body, retries: 2 });
      onDone({ kind: 'ok', text: `${a.id}: ${what}` });
      setEditing(false);
      setPin('');
    } catch (err) {
      onDone({ kind: 'error', text: errorLine(err) });
    }
  };
  return (
    <tr data-staff={a.id} class={a.active ? '' : 'inactive'}>
      <td>{a.id}</td>
      <td>{editing ? <input name="name" value={name} onInput={(e) => setName(e.currentTarget.value)} /> : a.name}</td>
      <td>{editing ? <Checks name="roles" options={roleOptions(me)} value={roles} onChange={setRoles} /> : a.roles.map((r) => ROLES[r]?.zh ?? r).join('、')}</td>
      <td>{editing ? <Checks name="counters" options={counterOptions(info)} value={counters} onChange={setCounters} /> : a.counters.join(', ') || '—'}</td>
      <td data-testid="staff-state">
        {a.active ? '在用 · Active' : '已停用 · Deactivated'}
        {a.locked && <strong class="bad"> · 已锁定 Locked</strong>}
      </td>
      <td class="actions">
        {editing ? (
          <>
            <button type="button" onClick={() => void run('已保存 · saved', 'PATCH', path, { name, roles, counters })}>
              保存 · Save
            </button>
            <button type="button" onClick={() => setEditing(false)}>
              取消 · Cancel
            </button>
          </>
        ) : (
          <button type="button" data-action="edit" onClick={() => setEditing(true)}>
            修改 · Edit
          </button>
        )}
        {a.locked && (
          <button type="button" data-action="unlock" onClick={() => void run('已解锁 · unlocked', 'POST', `${path}/unlock`)}>
            解锁 · Unlock
          </button>
        )}
        <span class="pin-reset">
          <input name="pin" type="password" inputMode="numeric" autoComplete="new-password" placeholder="新密码 · new PIN" value={pin} onInput={(e) => setPin(e.currentTarget.value)} />
          <button type="button" data-action="reset-pin" disabled={!pin} onClick={() => void run('密码已重置 · PIN reset', 'POST', `${path}/pin`, { pin })}>
            重置密码 · Reset PIN
          </button>
        </span>
        {a.active ? (
          <button type="button" data-action="deactivate" onClick={() => void run('已停用 · deactivated', 'PATCH', path, { active: false })}>
            停用 · Deactivate
          </button>
        ) : (
          <button type="button" data-action="reactivate" onClick={() => void run('已启用 · reactivated', 'PATCH', path, { active: true })}>
            启用 · Reactivate
          </button>
        )}
      </td>
    </tr>
  );
}

export function StaffSection({ info, me }: { info: BranchInfo; me: Me }) {
  const [accounts, setAccounts] = useState<Account[] | null>(null);
  const [note, setNote] = useState<Note>(null);
  const load = useCallback(() => {
    api<Account[]>('GET', '/api/staff').then(setAccounts, (err) => setNote({ kind: 'error', text: errorLine(err) }));
  }, []);
  useEffect(load, [load]);
  const done = (n: Note) => {
    setNote(n);
    load();
  };
  return (
    <section aria-label="staff">
      {note && (
        <p class={`note ${note.kind}`} role={note.kind === 'error' ? 'alert' : 'status'} data-testid="staff-note">
          {note.text}
        </p>
      )}
      <NewAccount info={info} me={me} onDone={done} />
      <table class="staff">
        <thead>
          <tr>
            <th>工号 · Id</th>
            <th>姓名 · Name</th>
            <th>角色 · Roles</th>
            <th>窗口 · Counters</th>
            <th>状态 · State</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {accounts?.map((a) => (
            <AccountRow key={`${a.id}:${a.name}:${a.roles.join()}:${a.counters.join()}:${a.active}:${a.locked}`} a={a} info={info} me={me} onDone={done} />
          ))}
        </tbody>
      </table>
    </section>
  );
}
