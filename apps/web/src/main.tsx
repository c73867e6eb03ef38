import { createRoot } from 'react-dom/client';
import { App } from './app/App.tsx';
import { FEATURES } from './app/features.ts';
import { createQueryClient } from './app/query-client.ts';
import { configQuery, meQuery } from './features/auth/hooks.ts';
import { installFeatures } from './features/shell/slots.tsx';
import { watchTheme } from './features/settings/theme.ts';
import { initI18n } from './i18n/index.ts';
import './index.css';

watchTheme();
installFeatures(FEATURES);

const queryClient = createQueryClient();
// Start both requests while the translations load.
void queryClient.prefetchQuery(meQuery);
void queryClient.prefetchQuery(configQuery);

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');

void initI18n().then(() => {
  createRoot(root).render(<App queryClient={queryClient} />);
});
