/** The teller console (in progress). */
import { render } from 'preact';
import '../shared/base.css';

render(<main>柜员叫号 · Teller console</main>, document.getElementById('app')!);
