import { mount } from 'svelte';
import App from './App.svelte';
import './ui/theme.css';
import { registerServiceWorker } from './ui/state/serviceWorker';

registerServiceWorker();
const target = document.getElementById('app');
if (!target) throw new Error('index.html lacks #app');
export default mount(App, { target });
