/** The index page: where each of the branch's pages is. */
import { render } from 'preact';
import '../shared/base.css';

const PAGES = [
  ['/kiosk', '取号机', 'Kiosk'],
  ['/teller', '柜员叫号', 'Teller console'],
  ['/display', '大厅显示屏', 'Lobby display'],
  ['/dashboard', '网点看板', 'Dashboard'],
  ['/performance', '柜员绩效', 'Staff performance'],
  ['/complaints', '投诉与意见', 'Complaints and opinions'],
  ['/followups', '客户回访', 'Follow-up calls'],
  ['/evaluator', '评价平板', 'Counter tablet (evaluator)'],
  ['/office', '后台', 'Back office'],
  ['/reports', '报表', 'Reports'],
  ['/lab', '设备实验室', 'Device lab (demo)'],
] as const;

function Home() {
  return (
    <main style={{ padding: '2rem', maxWidth: '40rem', margin: '0 auto' }}>
      <h1>网点排队系统 · Branch queue</h1>
      <ul style={{ fontSize: '1.3rem', lineHeight: 2 }}>
        {PAGES.map(([href, zh, en]) => (
          <li key={href}>
            <a href={href}>
              {zh} · {en}
            </a>
          </li>
        ))}
      </ul>
      <p>
        API: <a href="/api/health">/api/health</a>
      </p>
    </main>
  );
}

render(<Home />, document.getElementById('app')!);
