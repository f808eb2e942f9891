// Entry point of the console bundle: styles, then the app into #app.
import '../styles/app.css';
import { render } from 'preact';
import { App } from './app';

const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(<App />, root);
}
